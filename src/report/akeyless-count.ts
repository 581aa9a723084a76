// Renders the Akeyless count report (spec akeyless.md §7) from a finished model: JSON (§7.1, keys
// in spec order; `quota` inserted after `months` when --quota is given), the people-facing table
// (§7.2), and CSV. Formatting only: every number and order was decided in akeyless/finish.ts.
//
// CSV columns (header line exactly `month,product,access_type,access_id,clients,new_clients`):
//   month        YYYY-MM (UTC calendar month)
//   product      normalised product (sm, sra, pm, …, unknown)
//   access_type  normalised access type assigned to the clients for that month (§6.3)
//   access_id    access id assigned to the clients for that month
//   clients      distinct clients of the month under this (product, access_type, access_id)
//   new_clients  of those, clients not seen in any earlier month of the range
// One row per (month, product, access_type, access_id) with at least one client; rows of a month
// sum to months[].counts.clients. Order: month, clients descending, then product, access_type,
// access_id. RFC 4180 quoting, `\n` line ends; empty input gives the header line alone.

import { stringify } from 'csv-stringify/sync';
import type { AccessIdRow, AkeylessResultModel, AuthMethodRow, ProductRow } from '../akeyless/model.js';
import type { CountFormat } from '../platform.js';
import { n, renderTable } from './text-table.js';

export const COUNT_CSV_COLUMNS = ['month', 'product', 'access_type', 'access_id', 'clients', 'new_clients'] as const;

export function renderAkeylessCountJson(model: AkeylessResultModel): string {
  const { warnings, inputs, ...head } = model.count;
  const doc = model.quota === null ? model.count : { ...head, quota: model.quota, warnings, inputs };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function renderAkeylessCountCsv(model: AkeylessResultModel): string {
  return stringify(model.csvRows.map((r) => COUNT_CSV_COLUMNS.map((c) => r[c])), {
    header: true,
    columns: [...COUNT_CSV_COLUMNS],
    record_delimiter: '\n',
  });
}

function productTable(rows: readonly ProductRow[]): string {
  return renderTable([{ header: 'product' }, { header: 'clients', align: 'right' }], rows.map((r) => [r.product, n(r.clients)]));
}

function authTable(rows: readonly AuthMethodRow[]): string {
  return renderTable([{ header: 'access type' }, { header: 'clients', align: 'right' }], rows.map((r) => [r.access_type, n(r.clients)]));
}

function accessIdTable(rows: readonly AccessIdRow[]): string {
  return renderTable(
    [{ header: 'access id' }, { header: 'access type' }, { header: 'clients', align: 'right' }],
    rows.map((r) => [r.access_id, r.access_type, n(r.clients)]),
  );
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

export function renderAkeylessCountTable(model: AkeylessResultModel): string {
  const c = model.count;
  const q = model.quota;
  const out: string[] = [];
  out.push(`Platform: akeyless (${model.detected ? 'detected' : '--platform'})`);
  out.push(`Period: ${c.start_time ?? '-'} .. ${c.end_time ?? '-'}`);
  out.push(`Distinct clients: ${n(c.total.clients)}`);
  out.push(`Billable client-months (sum of monthly counts): ${n(c.total.monthly_sum)}`);
  if (c.inputs.options.merge_humans) out.push('Human identities merged across access ids (--merge-humans): counts are approximate');
  if (q !== null) {
    out.push(`Quota: ${n(q.monthly)} clients per month, ${n(q.annual)} per year; annual true-up: ${n(q.annual_used)} of ${n(q.annual)}` +
      (q.annual_over ? ` — OVER by ${n(q.annual_used - q.annual)}` : ''));
  }
  out.push('');
  out.push('Months');
  const over = new Set(q?.months_over ?? []);
  const monthCols = [{ header: 'month' }, { header: 'clients', align: 'right' as const }, { header: 'new', align: 'right' as const }];
  if (q !== null) monthCols.push({ header: 'quota' });
  out.push(renderTable(monthCols, c.months.map((mo) => {
    const key = mo.timestamp.slice(0, 7);
    const row: string[] = [key, n(mo.counts.clients), n(mo.new_clients.counts.clients)];
    if (q !== null) row.push(over.has(key) ? `OVER (+${n(mo.counts.clients - q.monthly)})` : '');
    return row;
  })));
  out.push('By product');
  out.push(productTable(c.by_product));
  out.push('By auth method');
  out.push(authTable(c.by_auth_method));
  out.push('By access id');
  out.push(accessIdTable(c.by_access_id));
  c.months.forEach((mo, i) => {
    out.push(`Month ${mo.timestamp.slice(0, 7)}: ${n(mo.counts.clients)} client(s), ${n(mo.new_clients.counts.clients)} new`);
    if (mo.counts.clients === 0) {
      out.push('');
      return;
    }
    out.push(indent(productTable(mo.by_product)));
    out.push(indent(authTable(mo.by_auth_method)));
    out.push(indent(accessIdTable(model.monthAccessIds[i]!)));
  });
  const inp = c.inputs;
  out.push(`Inputs: ${n(inp.files.length)} file(s), ${n(inp.events)} event(s), ${n(inp.counted)} counted, ` +
    `${n(inp.out_of_range)} out of range, excluded ${n(inp.excluded.status)} by status and ` +
    `${n(inp.excluded.no_access_id)} without access id, ${n(inp.malformed)} malformed line(s)`);
  if (c.warnings.length > 0) {
    out.push('');
    out.push('Warnings');
    for (const w of c.warnings) out.push(`- ${w}`);
  }
  return out.join('\n') + '\n';
}

export function renderAkeylessCount(model: AkeylessResultModel, format: CountFormat): string {
  switch (format) {
    case 'json':
      return renderAkeylessCountJson(model);
    case 'csv':
      return renderAkeylessCountCsv(model);
    case 'table':
      return renderAkeylessCountTable(model);
  }
}
