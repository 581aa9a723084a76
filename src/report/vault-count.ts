// Renders the finished Vault count (spec vault.md §10 [V11]) as JSON, a `vault operator usage`-
// style table, or CSV rows per (month, namespace, mount). Formatting only: every number is already
// decided in vault/finish.ts.

import type { CountFormat } from '../platform.js';
import type { Counts, NamespaceCounts, VaultReport } from '../vault/report-model.js';
import { toCsv } from './csv.js';
import { n, renderTable } from './text-table.js';

export interface RenderContext {
  detected: boolean;
  filesProcessed: number;
}

const nsLabel = (path: string): string => (path === '' ? '[root]' : path);

function countsRow(label: string, c: Counts): (string | number)[] {
  return [label, n(c.entity_clients), n(c.non_entity_clients), n(c.secret_syncs), n(c.acme_clients), n(c.clients)];
}

const COUNT_COLUMNS = [
  { header: 'Namespace path' },
  { header: 'Entity clients', align: 'right' as const },
  { header: 'Non-entity clients', align: 'right' as const },
  { header: 'Secret syncs', align: 'right' as const },
  { header: 'ACME clients', align: 'right' as const },
  { header: 'Active clients', align: 'right' as const },
];

function namespaceTable(spaces: readonly NamespaceCounts[], total: Counts): string {
  const rows: (string | number)[][] = [];
  for (const ns of spaces) {
    rows.push(countsRow(nsLabel(ns.namespace_path), ns.counts));
    for (const m of ns.mounts) rows.push(countsRow(`  ${m.mount_path}${m.mount_type ? ` (${m.mount_type.replace(/\/$/, '')})` : ''}`, m.counts));
  }
  rows.push(countsRow('Total', total));
  return renderTable(COUNT_COLUMNS, rows);
}

function legacyTable(r: VaultReport, files: number): string {
  // Reproduces the retired vault-auditor's output (spec §14.1).
  return [
    `Distinct Entities: ${r.total.entity_clients}`,
    `Non-Entity Tokens: ${r.total.non_entity_clients}`,
    `Total Clients: ${r.total.clients}`,
    `Total files processed: ${files}`,
    `Date range: ${r.start_time ?? '-'} - ${r.end_time ?? '-'}`,
  ].join('\n') + '\n';
}

function renderTableReport(r: VaultReport, ctx: RenderContext): string {
  if (r.rules.profile === 'legacy-auditor') return legacyTable(r, ctx.filesProcessed);
  const out: string[] = [];
  out.push(`Vault client count (platform: vault${ctx.detected ? ', detected' : ''}; rules: ${r.rules.profile}${r.rules.billing_start_day !== 1 ? `; billing months start on day ${r.rules.billing_start_day}` : ''})`);
  out.push(`Period: ${r.start_time ?? '-'} .. ${r.end_time ?? '-'}`);
  out.push(`Total clients in the period: ${n(r.total.clients)} (entity ${n(r.total.entity_clients)}, non-entity ${n(r.total.non_entity_clients)})`);
  out.push('The period total counts each client once; monthly figures below do not add up to it.', '');
  out.push('Clients by namespace and auth mount', namespaceTable(r.by_namespace, r.total));
  if (r.months.length > 0) {
    out.push('Clients by month');
    out.push(renderTable(
      [{ header: 'Month' }, { header: 'Clients', align: 'right' }, { header: 'Entity', align: 'right' },
        { header: 'Non-entity', align: 'right' }, { header: 'New clients', align: 'right' }, { header: 'KMIP', align: 'right' }],
      r.months.map((m, i) => [m.timestamp.slice(0, 10), n(m.counts.clients), n(m.counts.entity_clients),
        n(m.counts.non_entity_clients), n(m.new_clients.counts.clients), n(r.kmip.months[i]?.clients ?? 0)]),
    ));
  }
  out.push(`KMIP clients (not part of the total): ${n(r.kmip.clients)}${r.kmip.entries_without_serial ? ` (${n(r.kmip.entries_without_serial)} KMIP entries without a certificate serial)` : ''}`);
  const req = r.inputs.requests;
  const ex = Object.entries(req.excluded).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  out.push(`Inputs: ${r.inputs.files.length} file(s), ${n(r.inputs.entries.request ?? 0)} requests (${n(req.countable)} countable${ex ? `; excluded: ${ex}` : ''}${req.out_of_range ? `; ${n(req.out_of_range)} out of range` : ''}), ${n(r.inputs.malformed)} malformed line(s)`);
  if (r.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of r.warnings) out.push(`  ${w}`);
  }
  return out.join('\n') + '\n';
}

export const CSV_HEADER = [
  'month', 'namespace_id', 'namespace_path', 'mount_path', 'mount_type', 'clients', 'entity_clients',
  'non_entity_clients', 'new_clients', 'new_entity_clients', 'new_non_entity_clients',
];

function renderCsv(r: VaultReport): string {
  const rows: (string | number)[][] = [];
  for (const m of r.months) {
    const fresh = new Map<string, Counts>();
    for (const ns of m.new_clients.namespaces) for (const mt of ns.mounts) fresh.set(ns.namespace_id + '\u0000' + mt.mount_path, mt.counts);
    for (const ns of m.namespaces) {
      for (const mt of ns.mounts) {
        const f = fresh.get(ns.namespace_id + '\u0000' + mt.mount_path);
        rows.push([m.timestamp.slice(0, 10), ns.namespace_id, ns.namespace_path, mt.mount_path, mt.mount_type.replace(/\/$/, ''),
          mt.counts.clients, mt.counts.entity_clients, mt.counts.non_entity_clients,
          f?.clients ?? 0, f?.entity_clients ?? 0, f?.non_entity_clients ?? 0]);
      }
    }
  }
  return toCsv(CSV_HEADER, rows);
}

export function renderVaultCount(r: VaultReport, format: CountFormat, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'csv':
      return renderCsv(r);
    default:
      return renderTableReport(r, ctx);
  }
}
