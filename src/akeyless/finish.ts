// Akeyless finish step (spec akeyless.md §6.3-§7): merges the collectors' partials (counters add,
// earliest Order wins for every "first", latest for "last"), fills the shared ClientMonthLedger,
// builds breakdowns, warnings in order of first occurrence and the inputs section, and returns a
// PlatformResult whose renderers only format. Runs on the main thread.

import { createHash } from 'node:crypto';
import type { FileStatsData } from '../ingest/file-stats.js';
import { compareOrder, type Order } from '../ingest/order.js';
import { formatEventTime, formatSeconds } from '../ingest/time.js';
import { ClientMonthLedger, DistinctCounter } from '../ledger/client-months.js';
import { MonthCalendar } from '../ledger/months.js';
import type { FinishContext, PlatformResult, RunOptions } from '../platform.js';
import { renderAkeylessClients } from '../report/akeyless-clients.js';
import { renderAkeylessCount } from '../report/akeyless-count.js';
import { inputWarnings } from '../report/input-warnings.js';
import { parseClientKey } from './identity.js';
import type {
  AccessIdRow, AkeylessCountJson, AkeylessResultModel, AuthMethodRow, ClientRecord, CountCsvRow, FileJson, MonthJson,
  ProductRow, QuotaJson,
} from './model.js';
import { emptyCounters, EVENT_WARNINGS, type AkeylessPartial, type Counters, type EventWarning } from './partial.js';

interface Attribution {
  accessType: string;
  accessId: string;
}

const earlier = (a: Order | undefined, b: Order): boolean => a === undefined || compareOrder(b, a) < 0;

/** Merged view of all partials; identical for any split of the input into tasks. */
interface Merged {
  counters: Counters;
  firsts: Map<EventWarning, Order>;
  missingUidIds: Map<string, Order>;
  accessTypes: Map<string, Map<string, Order>>;
  formats: Map<number, [number, number]>;
  ledger: ClientMonthLedger<Attribution>;
  lastSeen: Map<string, Order>;
}

export function mergePartials(partials: readonly AkeylessPartial[]): Merged {
  const m: Merged = {
    counters: emptyCounters(),
    firsts: new Map(),
    missingUidIds: new Map(),
    accessTypes: new Map(),
    formats: new Map(),
    ledger: new ClientMonthLedger<Attribution>(),
    lastSeen: new Map(),
  };
  for (const p of partials) {
    for (const k of Object.keys(m.counters) as (keyof Counters)[]) m.counters[k] += p.counters[k];
    for (const [code, o] of p.firsts) if (earlier(m.firsts.get(code), o)) m.firsts.set(code, o);
    for (const [id, o] of p.missingUidAccessIds) if (earlier(m.missingUidIds.get(id), o)) m.missingUidIds.set(id, o);
    for (const [id, type, o] of p.accessTypes) {
      let types = m.accessTypes.get(id);
      if (types === undefined) m.accessTypes.set(id, (types = new Map()));
      if (earlier(types.get(type), o)) types.set(type, o);
    }
    for (const [file, json, text] of p.formats) {
      const f = m.formats.get(file) ?? [0, 0];
      m.formats.set(file, [f[0] + json, f[1] + text]);
    }
    for (const c of p.clients) {
      const last = m.lastSeen.get(c.key);
      if (last === undefined || compareOrder(c.last, last) > 0) m.lastSeen.set(c.key, c.last);
      for (const [month, order, accessType, accessId] of c.months) m.ledger.observe(c.key, month, order, { accessType, accessId });
    }
  }
  return m;
}

/** §6.4: clients descending, ties by name ascending in code-unit order. */
function sortRows<T extends { clients: number }>(rows: T[], name: (r: T) => string): T[] {
  return rows.sort((a, b) => b.clients - a.clients || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

const byOrder = <K>(entries: Iterable<[K, Order]>): K[] => [...entries].sort((a, b) => compareOrder(a[1], b[1])).map((e) => e[0]);

function monthKey(timestamp: string): string {
  return timestamp.slice(0, 7);
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** A `clients` record from the ledger key; the token root is replaced by a short hash [B2]. */
function clientRecord(key: string, attr: Attribution, months: string[], first: Order, last: Order): ClientRecord {
  const { product, tuple } = parseClientKey(key);
  const rec: ClientRecord = {
    client_id: sha256Hex(key).slice(0, 16),
    product,
    access_id: attr.accessId,
    access_type: attr.accessType,
    identity: 'access_id',
    unique_id: '',
    config_name: '',
    namespace: '',
    comment: '',
    token: '',
    months,
    first_seen: formatEventTime(first),
    last_seen: formatEventTime(last),
  };
  if (tuple[0] === 'human') {
    rec.identity = 'human';
    rec.unique_id = tuple[1]!;
  } else if (tuple.length > 1) {
    const kind = tuple[1]!;
    rec.identity = kind;
    if (kind === 'uid') rec.unique_id = tuple[2]!;
    else if (kind === 'k8s') {
      rec.config_name = tuple[2]!;
      rec.namespace = tuple[3]!;
    } else if (kind === 'comment') rec.comment = tuple[2]!;
    // B2: token ids are never printed, not even the 12-character root; a short hash still lets
    // users tell the token clients of one access id apart.
    else if (kind === 'token') rec.token = 'token:' + sha256Hex(tuple[2]!).slice(0, 8);
  }
  return rec;
}

function quotaOf(ctx: FinishContext): number | null {
  const q = (ctx as FinishContext & { quota?: number | null }).quota ??
    (ctx.options as RunOptions & { quota?: number | null }).quota;
  return typeof q === 'number' && Number.isFinite(q) ? q : null;
}

function eventWarning(code: EventWarning, m: Merged): string {
  const c = m.counters;
  switch (code) {
    case 'identity-without-unique-id':
      return `identity without unique identifier: ${c.missingUniqueId} event(s) of access id(s) ${byOrder(m.missingUidIds).join(', ')} had no unique_id; counted by access_id alone`;
    case 'missing-product':
      return `missing-product: ${c.missingProduct} counted event(s) without product; counted under "unknown"`;
    case 'invalid-status':
      return `invalid-status: ${c.invalidStatus} event(s)`;
    case 'naive-timestamp':
      return `naive-timestamp: ${c.naiveTimestamp} event(s) without time zone; UTC assumed`;
    case 'suspicious-access-id':
      // Counted anyway: the access id is what Akeyless bills on, and dropping events would hide
      // clients; the warning asks the user to check the log source.
      return `suspicious-access-id: ${c.suspiciousAccessId} event(s) with access ids not of the form p-…`;
  }
}

/**
 * Warning order: pre-read warnings (duplicate-input, option-ignored), the merge-humans label, then
 * event warnings by the processing order of their first cause (multiple-access-types at the first
 * event of an id's second type), then per-file input warnings in file order.
 */
function buildWarnings(ctx: FinishContext, m: Merged): string[] {
  const timed: [string, Order][] = [];
  for (const code of EVENT_WARNINGS) {
    const o = m.firsts.get(code);
    if (o !== undefined) timed.push([eventWarning(code, m), o]);
  }
  for (const [id, types] of m.accessTypes) {
    if (types.size < 2) continue;
    const sorted = [...types].sort((a, b) => compareOrder(a[1], b[1]));
    timed.push([`multiple-access-types: access id ${id} seen as ${sorted.map((t) => t[0]).join(', ')}`, sorted[1]![1]]);
  }
  timed.sort((a, b) => compareOrder(a[1], b[1]) || (a[0] < b[0] ? -1 : 1));
  const out = [...ctx.warnings];
  if (ctx.options.mergeHumans) {
    out.push('merge-humans: human identities sharing a unique_id were merged across access ids; counts are approximate');
  }
  out.push(...timed.map((t) => t[0]));
  out.push(...inputWarnings(ctx.files));
  return out;
}

function fileJson(f: FileStatsData, formats: [number, number] | undefined): FileJson {
  let format = f.format;
  if (format !== 'json-array' && format !== 'json-stream') {
    const [json, text] = formats ?? [0, 0];
    format = json > 0 && text > 0 ? 'mixed' : text > 0 ? 'text' : 'jsonl';
  }
  return {
    path: f.path,
    format,
    lines: f.lines,
    blank_lines: f.blankLines,
    events: f.entries['event'] ?? 0,
    malformed: f.malformed,
    malformed_examples: f.malformedExamples.map((e) => ({ line: e.line, reason: e.reason })),
    truncated_last_line: f.truncatedLastLine,
    first_time: f.firstTime === null ? null : formatEventTime(f.firstTime),
    last_time: f.lastTime === null ? null : formatEventTime(f.lastTime),
  };
}

export function buildAkeylessModel(partials: readonly AkeylessPartial[], ctx: FinishContext): AkeylessResultModel {
  const m = mergePartials(partials);
  const { range } = ctx.options;
  const calendar = new MonthCalendar(1);
  const span = m.ledger.monthSpan();

  // §6.3 / vault.md §8.1: bounds from --from/--to, else the months holding counted events.
  const startMonth = range.from !== null ? calendar.indexOf(range.from.ms) : span?.[0] ?? null;
  const endMonth = range.to !== null ? calendar.indexOf(range.to.ms) : span?.[1] ?? null;
  const startTime = range.from !== null ? formatSeconds(range.from.ms) : span ? calendar.timestamp(span[0]) : null;
  const endTime = range.to !== null ? formatSeconds(range.to.ms) : span ? calendar.endTimestamp(span[1]) : null;
  const monthIndexes: number[] = [];
  if (startMonth !== null && endMonth !== null) for (let i = startMonth; i <= endMonth; i++) monthIndexes.push(i);

  // The access id's own type: that of its first counted event in the range (§6.4 by_access_id).
  const accessIdType = new Map<string, string>();
  for (const [id, types] of m.accessTypes) accessIdType.set(id, byOrder(types)[0]!);

  interface MonthAgg {
    clients: number;
    newClients: number;
    byProduct: DistinctCounter;
    byAuthMethod: DistinctCounter;
    byAccessId: DistinctCounter;
  }
  const agg = new Map<number, MonthAgg>();
  for (const i of monthIndexes) {
    agg.set(i, { clients: 0, newClients: 0, byProduct: new DistinctCounter(), byAuthMethod: new DistinctCounter(), byAccessId: new DistinctCounter() });
  }
  const csv = new Map<string, CountCsvRow>();
  const monthsOf = new Map<string, string[]>();
  let product = '';
  let productKey = '';
  for (const cm of m.ledger.clientMonths()) {
    if (cm.client !== productKey) {
      productKey = cm.client;
      product = parseClientKey(cm.client).product;
    }
    const a = agg.get(cm.month)!;
    const attr = cm.observation.attr;
    a.clients++;
    if (cm.isNew) a.newClients++;
    // Within a month the client's first counted event fixes its access type and id (§6.3).
    a.byProduct.add(product, cm.client);
    a.byAuthMethod.add(attr.accessType, cm.client);
    a.byAccessId.add(attr.accessId, cm.client);
    const mk = monthKey(calendar.timestamp(cm.month));
    const rowKey = JSON.stringify([mk, product, attr.accessType, attr.accessId]);
    let row = csv.get(rowKey);
    if (row === undefined) {
      row = { month: mk, product, access_type: attr.accessType, access_id: attr.accessId, clients: 0, new_clients: 0 };
      csv.set(rowKey, row);
    }
    row.clients++;
    if (cm.isNew) row.new_clients++;
    const list = monthsOf.get(cm.client);
    if (list === undefined) monthsOf.set(cm.client, [mk]);
    else list.push(mk);
  }

  // Range level: the client's first counted event in the range fixes its type and access id.
  const byProduct = new DistinctCounter();
  const byAuthMethod = new DistinctCounter();
  const byAccessId = new DistinctCounter();
  const records: [ClientRecord, Order][] = [];
  for (const fm of m.ledger.firstMonths()) {
    const attr = fm.observation.attr;
    byProduct.add(parseClientKey(fm.client).product, fm.client);
    byAuthMethod.add(attr.accessType, fm.client);
    byAccessId.add(attr.accessId, fm.client);
    const first = fm.observation.order;
    records.push([clientRecord(fm.client, attr, monthsOf.get(fm.client)!, first, m.lastSeen.get(fm.client)!), first]);
  }
  // Vault §11 order: first use ascending (processing order), ties by client id.
  records.sort((a, b) => compareOrder(a[1], b[1]) || cmp(a[0].client_id, b[0].client_id));
  const clients = records.map((r) => r[0]);

  const productRows = (d: DistinctCounter): ProductRow[] =>
    sortRows(d.entries().map(([product, clients]) => ({ product, clients })), (r) => r.product);
  const authRows = (d: DistinctCounter): AuthMethodRow[] =>
    sortRows(d.entries().map(([access_type, clients]) => ({ access_type, clients })), (r) => r.access_type);
  const accessRows = (d: DistinctCounter): AccessIdRow[] =>
    sortRows(d.entries().map(([access_id, clients]) => ({ access_id, access_type: accessIdType.get(access_id) ?? 'unknown', clients })), (r) => r.access_id);

  const months: MonthJson[] = [];
  const monthAccessIds: AccessIdRow[][] = [];
  let monthlySum = 0;
  for (const i of monthIndexes) {
    const a = agg.get(i)!;
    monthlySum += a.clients;
    months.push({
      timestamp: calendar.timestamp(i),
      counts: { clients: a.clients },
      new_clients: { counts: { clients: a.newClients } },
      by_product: productRows(a.byProduct),
      by_auth_method: authRows(a.byAuthMethod),
    });
    monthAccessIds.push(accessRows(a.byAccessId));
  }

  const c = m.counters;
  const count: AkeylessCountJson = {
    platform: 'akeyless',
    start_time: startTime,
    end_time: endTime,
    total: { clients: m.ledger.clientCount, monthly_sum: monthlySum },
    by_product: productRows(byProduct),
    by_auth_method: authRows(byAuthMethod),
    by_access_id: accessRows(byAccessId),
    months,
    warnings: buildWarnings(ctx, m),
    inputs: {
      files: ctx.files.map((f, i) => fileJson(f, m.formats.get(i))),
      events: c.events,
      malformed: ctx.files.reduce((s, f) => s + f.malformed, 0),
      counted: c.counted,
      out_of_range: c.outOfRange,
      excluded: { status: c.excludedStatus, no_access_id: c.noAccessId },
      options: { from: range.fromText, to: range.toText, merge_humans: ctx.options.mergeHumans, strict: ctx.strict },
    },
  };

  const monthly = quotaOf(ctx);
  const quota: QuotaJson | null = monthly === null ? null : {
    monthly,
    annual: monthly * 12,
    months_over: months.filter((mo) => mo.counts.clients > monthly).map((mo) => monthKey(mo.timestamp)),
    annual_used: monthlySum,
    annual_over: monthlySum > monthly * 12,
  };

  const csvRows = [...csv.values()].sort((a, b) =>
    a.month < b.month ? -1 : a.month > b.month ? 1 : b.clients - a.clients ||
      cmp(a.product, b.product) || cmp(a.access_type, b.access_type) || cmp(a.access_id, b.access_id));

  return { count, quota, monthAccessIds, csvRows, clients, detected: ctx.detected };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function finishAkeyless(partials: unknown[], ctx: FinishContext): PlatformResult {
  const model = buildAkeylessModel(partials as AkeylessPartial[], ctx);
  return {
    malformed: model.count.inputs.malformed,
    renderCount: (format) => renderAkeylessCount(model, format),
    renderClients: (format) => renderAkeylessClients(model.clients, format),
  };
}
