// Main-thread finish step for Vault: takes the merged partials (merge.ts), resolves each usage to a
// client and its attribution [V4]-[V7] against the whole token registry, de-duplicates per month
// in the vendor-neutral ledger [V8], and assembles the report model [V9]-[V12]. No I/O, no
// formatting: the renderers in src/report only format what this decides.

import { compareOrder, type Order } from '../ingest/order.js';
import { compareTimes, formatEventTime, formatSeconds, type EventTime } from '../ingest/time.js';
import { ClientMonthLedger, type ClientMonth } from '../ledger/client-months.js';
import { MonthCalendar } from '../ledger/months.js';
import type { FinishContext, PlatformResult } from '../platform.js';
import { mark } from '../timing.js';
import { inputWarnings } from '../report/input-warnings.js';
import { renderVaultClients } from '../report/vault-clients.js';
import { renderVaultCount } from '../report/vault-count.js';
import { attribute, issuerAttribution, tokenMountAttribution, type Attribution } from './attribution.js';
import { NonEntityClientIds, tokenClientId } from './client-id.js';
import { EXCLUSION_REASONS } from './countable.js';
import type { LineRef, VaultPartial } from './partial.js';
import { merge } from './merge.js';
import { UNKNOWN_MOUNT } from './registration.js';
import type { ClientRecord, Counts, NamespaceCounts, VaultReport } from './report-model.js';

export type ClientType = 'entity' | 'non-entity-token';

export interface ClientAttr extends Attribution {
  type: ClientType;
  firstUse: EventTime;
  /** token_creation_time of the export (§11). */
  tokenCreationTime: string;
}

const zeroCounts = (): Counts => ({ clients: 0, entity_clients: 0, non_entity_clients: 0, secret_syncs: 0, acme_clients: 0 });

function countOf(clients: Iterable<ClientType>): Counts {
  const c = zeroCounts();
  for (const t of clients) {
    if (t === 'entity') c.entity_clients++;
    else c.non_entity_clients++;
  }
  c.clients = c.entity_clients + c.non_entity_clients;
  return c;
}

/**
 * The clients of one namespace or mount. Client-months of one month hold each client once (the
 * ledger yields each (client, month) once), so those are counted as they come; otherwise a client
 * counts once, with the type it was last seen with: that of its latest month here, since a client's
 * months are added together and in order (ClientMonthLedger.clientMonths). Measured: the per-client
 * maps of the month breakdowns were ~2/3 of breakdown's 190 ms on the 3 GB bench log.
 */
class ClientTally {
  private readonly types: Map<string, ClientType> | null;
  private entity = 0;
  private nonEntity = 0;

  constructor(eachClientOnce: boolean) {
    this.types = eachClientOnce ? null : new Map();
  }

  add(client: string, type: ClientType): void {
    if (this.types !== null) this.types.set(client, type);
    else if (type === 'entity') this.entity++;
    else this.nonEntity++;
  }

  counts(): Counts {
    if (this.types !== null) return countOf(this.types.values());
    return { ...zeroCounts(), clients: this.entity + this.nonEntity, entity_clients: this.entity, non_entity_clients: this.nonEntity };
  }
}

interface MountTally {
  path: string;
  type: string;
  typeOrder: Order;
  clients: ClientTally;
}

/**
 * Counts and namespace/mount breakdown [V9] of client-months added one at a time, sorted as §8.3
 * fixes. `oneMonth`: the client-months are of one month (each client at most once). Tallies are
 * fed in one pass over the client-months (finishVault): one pass per breakdown loaded every
 * client-month's objects again, mostly cache misses.
 */
class BreakdownTally {
  private readonly all: ClientTally;
  private readonly spaces = new Map<string, { id: string; path: string; clients: ClientTally; mounts: Map<string, MountTally> }>();

  constructor(private readonly withMounts: boolean, private readonly oneMonth: boolean) {
    this.all = new ClientTally(oneMonth);
  }

  add(it: ClientMonth<ClientAttr>): void {
    const a = it.observation.attr;
    this.all.add(it.client, a.type);
    let ns = this.spaces.get(a.ns.id);
    if (ns === undefined) this.spaces.set(a.ns.id, (ns = { id: a.ns.id, path: a.ns.path, clients: new ClientTally(this.oneMonth), mounts: new Map() }));
    ns.clients.add(it.client, a.type);
    if (!this.withMounts) return;
    let mt = ns.mounts.get(a.mountPath);
    if (mt === undefined) {
      ns.mounts.set(a.mountPath, (mt = { path: a.mountPath, type: a.mountType, typeOrder: it.observation.order, clients: new ClientTally(this.oneMonth) }));
    } else if (compareOrder(it.observation.order, mt.typeOrder) < 0) {
      mt.type = a.mountType;
      mt.typeOrder = it.observation.order;
    }
    mt.clients.add(it.client, a.type);
  }

  /** Clients of everything added (each client once). */
  counts(): Counts {
    return this.all.counts();
  }

  namespaces(): NamespaceCounts[] {
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.spaces.values()]
      .map((ns) => ({
        namespace_id: ns.id,
        namespace_path: ns.path,
        counts: ns.clients.counts(),
        mounts: [...ns.mounts.values()]
          .map((mt) => ({ mount_path: mt.path, mount_type: mt.type === '' ? '' : mt.type + '/', counts: mt.clients.counts() }))
          .sort((a, b) => b.counts.clients - a.counts.clients || cmp(a.mount_path, b.mount_path)),
      }))
      .sort((a, b) => b.counts.clients - a.counts.clients || cmp(a.namespace_path, b.namespace_path) || cmp(a.namespace_id, b.namespace_id));
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function finishVault(rawPartials: unknown[], ctx: FinishContext): PlatformResult {
  const partials = rawPartials as VaultPartial[];
  const { options } = ctx;
  const profile = options.profile;
  const calendar = new MonthCalendar(options.billingDay);
  const m = merge(partials);
  mark('merged');
  const warnings: string[] = [...ctx.warnings, ...inputWarnings(ctx.files)];
  if (m.namespacesWithoutId > 0) warnings.push(`namespace-without-id: ${m.namespacesWithoutId} entries`);
  if (m.otherEntries > 0) warnings.push(`unknown-entry-type: ${m.otherEntries} entries`);
  if (m.unhashedTokens) warnings.push('unhashed-tokens: token fields without the hmac-sha256: prefix were seen');

  const responseOnly = m.requestEntries === 0 && m.responseUsages.length + m.responseStats.countable +
    EXCLUSION_REASONS.reduce((s, r) => s + m.responseStats[r], 0) + m.responseStats.out_of_range > 0;
  if (responseOnly) warnings.push('response-only: no request entries found; clients counted from response entries');
  const usages = responseOnly ? m.responseUsages : m.usages;
  const requestStats = responseOnly ? m.responseStats : m.requestStats;

  const ledger = new ClientMonthLedger<ClientAttr>();
  let checked = 0;
  let mismatched = 0;
  const mismatchLines: LineRef[] = [];
  const tokenKeyed = profile === 'vault-1.8' || profile === 'legacy-auditor';
  const nonEntityIds = new NonEntityClientIds();

  if (profile === 'vault-1.6') {
    for (const c of m.creations) {
      const attr = c.isWrapping
        ? tokenMountAttribution({ id: c.registration.nsId, path: c.registration.nsPath }, m.registry, 'token_mount', '')
        : issuerAttribution(c.registration, m.registry);
      const client = c.isEntity ? c.key : tokenClientId(c.key);
      ledger.observe(client, c.month, c.order, {
        ...attr, type: c.isEntity ? 'entity' : 'non-entity-token',
        firstUse: { ms: c.order.ms, subNs: c.order.subNs }, tokenCreationTime: c.registration.issueTime,
      });
    }
  } else {
    for (const u of usages) {
      const f = u.facts;
      let attr: Attribution = attribute(f, m.registry);
      if (profile === 'legacy-auditor') {
        // The retired auditor grouped by request namespace and knew nothing of mounts (§14.1).
        attr = { ns: { id: f.nsId, path: f.nsPath }, mountPath: '', mountAccessor: '', mountType: '', source: attr.source, issueTime: attr.issueTime };
      }
      let client: string;
      let type: ClientType;
      if (f.entityId !== '') {
        client = f.entityId;
        type = 'entity';
      } else if (tokenKeyed) {
        const token = f.authToken || f.reqToken || (profile === 'vault-1.8' ? m.accessorTokens.get(f.accessor) ?? '' : '');
        client = tokenClientId(token !== '' ? token : 'accessor:' + f.accessor);
        type = 'non-entity-token';
      } else {
        const computed = nonEntityIds.of(f.policies, attr.ns.id);
        if (f.loggedId !== '') {
          checked += u.requests;
          if (f.loggedId !== computed) {
            mismatched += u.requests;
            mismatchLines.push(...u.firstLines);
          }
        }
        client = f.loggedId !== '' ? f.loggedId : computed;
        type = 'non-entity-token';
      }
      for (const um of u.months) {
        // Most usage-months lose to an earlier use of the same client; building their attribution
        // (spread + issue-time conversion) was a third of finish time on a 1.1 GB log.
        if (!ledger.wouldKeep(client, um.month, um.order)) continue;
        // A literal: a spread of `attr` here cost ~60 ms of finish on the 1.1 GB bench log.
        ledger.observe(client, um.month, um.order, {
          ns: attr.ns, mountPath: attr.mountPath, mountAccessor: attr.mountAccessor, mountType: attr.mountType,
          source: attr.source, issueTime: attr.issueTime, type, firstUse: { ms: um.order.ms, subNs: um.order.subNs },
          tokenCreationTime: um.tokenIssueTime || attr.issueTime,
        });
      }
    }
  }
  if (mismatched > 0) {
    const lines = mismatchLines.sort((a, b) => compareOrder(a.order, b.order)).slice(0, 3)
      .map((r) => `${ctx.files[r.order.file]!.path}:${ctx.resolveLine(r.seq, r.lineNo)}`);
    warnings.push(`client-id-mismatch: ${mismatched} of ${checked} non-entity request(s) log a client_id that differs from the id computed from their policies and token namespace; the logged value was used (first at ${lines.join(', ')})`);
  }

  // KMIP [V10]: requests, else responses with a warning.
  let kmipSerials = m.kmip;
  let kmipWithoutSerial = m.kmipWithoutSerial;
  if (m.kmipRequestEntries === 0 && (m.kmipResponses.size > 0 || m.kmipResponsesWithoutSerial > 0)) {
    kmipSerials = m.kmipResponses;
    kmipWithoutSerial = m.kmipResponsesWithoutSerial;
    warnings.push('kmip-response-only: no kmip-request entries found; KMIP clients counted from kmip-response entries');
  }

  // Period and month list (§8.1).
  const legacy = profile === 'legacy-auditor';
  let lo = Infinity, hi = -Infinity;
  if (!legacy) {
    const span = ledger.monthSpan();
    if (span) [lo, hi] = span;
    for (const months of kmipSerials.values()) for (const mm of months) { lo = Math.min(lo, mm); hi = Math.max(hi, mm); }
  }
  const range = options.range;
  let startTime: string | null = null, endTime: string | null = null;
  let firstMonth: number | null = null, lastMonth: number | null = null;
  if (range.from) {
    startTime = formatSeconds(range.from.ms);
    firstMonth = calendar.indexOf(range.from.ms);
  } else if (lo !== Infinity) {
    startTime = calendar.timestamp(lo);
    firstMonth = lo;
  }
  if (range.to) {
    endTime = formatSeconds(range.to.ms);
    lastMonth = calendar.indexOf(range.to.ms);
  } else if (hi !== -Infinity) {
    endTime = calendar.endTimestamp(hi);
    lastMonth = hi;
  }
  if (legacy) {
    // The retired auditor's "Date range": earliest and latest entry time inside the range (§14.1).
    startTime = m.firstInRange ? formatSeconds(m.firstInRange.ms) : null;
    endTime = m.lastInRange ? formatSeconds(m.lastInRange.ms) : null;
  }
  const monthIndexes: number[] = [];
  if (!legacy && firstMonth !== null && lastMonth !== null) for (let i = firstMonth; i <= lastMonth; i++) monthIndexes.push(i);

  mark('ledger');
  // One pass over the client-months feeds every tally: the whole range, and each month's clients
  // and new clients. Nothing below depends on the order of clients, only on each client's months
  // coming together and in order (a tally keeps a client's type of its latest month there, and a
  // mount's type is the earliest observation's), so the clients come in any order.
  const overall = new BreakdownTally(!legacy, false);
  const monthTallies = (): { all: BreakdownTally; fresh: BreakdownTally } => ({ all: new BreakdownTally(true, true), fresh: new BreakdownTally(true, true) });
  const monthly = new Map<number, { all: BreakdownTally; fresh: BreakdownTally }>();
  const attribution = { issuer: 0, display_name: 0, token_mount: 0, unknown: 0 };
  const namespaceOf = new Map<string, string>();
  const multiNamespace = new Set<string>();
  for (const cm of ledger.clientMonths(true)) {
    overall.add(cm);
    let month = monthly.get(cm.month);
    if (month === undefined) monthly.set(cm.month, (month = monthTallies()));
    month.all.add(cm);
    if (cm.isNew) month.fresh.add(cm);
    const a = cm.observation.attr;
    attribution[a.source]++;
    const ns = namespaceOf.get(cm.client);
    if (ns === undefined) namespaceOf.set(cm.client, a.ns.id);
    else if (ns !== a.ns.id) multiNamespace.add(cm.client);
  }
  if (attribution.unknown > 0 && !legacy) {
    warnings.push(`unknown-mount: ${attribution.unknown} client-month(s) attributed to "${UNKNOWN_MOUNT}"`);
  }
  const multiNs = multiNamespace.size;
  if (multiNs > 0) warnings.push(`multi-namespace-clients: ${multiNs} client(s) attributed to more than one namespace; total counts them once`);

  const kmipMonths = new Map<number, { clients: number; newClients: number }>();
  for (const months of kmipSerials.values()) {
    const sorted = [...months].sort((a, b) => a - b);
    sorted.forEach((mm, i) => {
      const e = kmipMonths.get(mm) ?? { clients: 0, newClients: 0 };
      e.clients++;
      if (i === 0) e.newClients++;
      kmipMonths.set(mm, e);
    });
  }

  const entriesTotal = { request: 0, response: 0, 'kmip-request': 0, 'kmip-response': 0, other: 0 };
  let malformed = 0;
  for (const f of ctx.files) {
    for (const k of Object.keys(entriesTotal) as (keyof typeof entriesTotal)[]) entriesTotal[k] += f.entries[k] ?? 0;
    malformed += f.malformed;
  }
  const countedSomething = ledger.clientCount > 0 || kmipSerials.size > 0;
  const anyEntries = Object.values(entriesTotal).some((v) => v > 0);
  if (!countedSomething && anyEntries) {
    let first: number | null = null, last: number | null = null;
    for (const f of ctx.files) {
      if (f.firstTime && (first === null || f.firstTime.ms < first)) first = f.firstTime.ms;
      if (f.lastTime && (last === null || f.lastTime.ms > last)) last = f.lastTime.ms;
    }
    const asked = range.from || range.to
      ? `${range.from ? isoDay(range.from.ms) : '…'}..${range.to ? isoDay(range.to.ms) : '…'}`
      : 'the inputs';
    warnings.push(`empty-range: 0 countable requests in ${asked}; the inputs span ${first === null ? '?' : isoDay(first)}..${last === null ? '?' : isoDay(last)}`);
  }

  const report: VaultReport = {
    start_time: startTime,
    end_time: endTime,
    by_namespace: overall.namespaces(),
    months: monthIndexes.map((mi) => {
      const month = monthly.get(mi) ?? monthTallies();
      return {
        timestamp: calendar.timestamp(mi),
        counts: month.all.counts(),
        namespaces: month.all.namespaces(),
        new_clients: {
          counts: month.fresh.counts(),
          namespaces: month.fresh.namespaces(),
        },
      };
    }),
    total: overall.counts(),
    kmip: {
      clients: kmipSerials.size,
      entries_without_serial: kmipWithoutSerial,
      months: monthIndexes.map((mi) => ({
        timestamp: calendar.timestamp(mi),
        clients: kmipMonths.get(mi)?.clients ?? 0,
        new_clients: kmipMonths.get(mi)?.newClients ?? 0,
      })),
    },
    inputs: {
      files: ctx.files.map((f) => ({
        path: f.path,
        lines: f.lines,
        blank_lines: f.blankLines,
        entries: {
          request: f.entries.request ?? 0, response: f.entries.response ?? 0,
          'kmip-request': f.entries['kmip-request'] ?? 0, 'kmip-response': f.entries['kmip-response'] ?? 0,
          other: f.entries.other ?? 0,
        },
        malformed: f.malformed,
        malformed_examples: f.malformedExamples,
        truncated_last_line: f.truncatedLastLine,
        first_time: f.firstTime ? formatEventTime(f.firstTime) : null,
        last_time: f.lastTime ? formatEventTime(f.lastTime) : null,
      })),
      entries: entriesTotal,
      malformed,
      requests: {
        countable: requestStats.countable,
        out_of_range: requestStats.out_of_range,
        excluded: {
          no_token: requestStats.no_token, error: requestStats.error, policy_denied: requestStats.policy_denied,
          login: requestStats.login, root: requestStats.root, wrapping: requestStats.wrapping,
        },
      },
      tokens_registered: m.registry.tokens.size,
      attribution,
      client_id_check: { checked, mismatched },
    },
    warnings,
    rules: {
      platform: 'vault',
      profile,
      billing_start_day: options.billingDay,
      from: range.fromText,
      to: range.toText,
      prefix: options.prefix,
      response_only: responseOnly,
      strict: ctx.strict,
    },
  };

  // Only `clients` prints these: built on demand.
  const clients = (): ClientRecord[] => [...ledger.firstMonths()]
    // §11: first-usage time ascending, ties by client id (not by file position).
    .sort((a, b) => compareTimes(a.observation.attr.firstUse, b.observation.attr.firstUse) || (a.client < b.client ? -1 : a.client > b.client ? 1 : 0))
    .map(({ client, observation: { attr } }) => ({
      client_id: client,
      client_type: attr.type,
      namespace_id: attr.ns.id,
      namespace_path: attr.ns.path,
      mount_accessor: attr.mountAccessor,
      mount_path: attr.mountPath,
      mount_type: attr.mountType,
      token_creation_time: attr.tokenCreationTime,
      client_first_usage_time: formatEventTime(attr.firstUse),
    }));

  return {
    malformed,
    renderCount: (format) => renderVaultCount(report, format, { detected: ctx.detected, filesProcessed: ctx.files.length }),
    renderClients: (format) => renderVaultClients(clients(), format),
  };
}
