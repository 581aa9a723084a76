// Merging the Vault collectors' partial results (plain data from worker threads) into one view:
// the earliest registration, usage month, accessor or creation in processing order wins, counters
// add, sets unite. Because every rule here is order-independent, how the input was split across
// workers never changes the result (tests: test/cli/parallel.test.ts, test/golden/vault-sim.test.ts).

import { compareOrder, keepEarliestIn, type Order } from '../ingest/order.js';
import { candidateLabel, type CandidateMount, type Registry } from './attribution.js';
import { EXCLUSION_REASONS } from './countable.js';
import type { Creation, OrderedRegistration, RequestStats, Usage, VaultPartial } from './partial.js';
import { emptyRequestStats } from './partial.js';
import { TOKEN_MOUNT_PATH } from './registration.js';
import { MountCandidates } from './mount-candidates.js';
import { UsageTable } from './usage-table.js';

/** The partials merged: the same facts, with the keyed lists turned into lookups. */
export type Merged = Omit<VaultPartial, 'tokens' | 'accessors' | 'mounts' | 'tokenMountAccessors' | 'accessorTokens' | 'kmip' | 'kmipResponses'> & {
  registry: Registry;
  accessorTokens: Map<string, string>;
  kmip: Map<string, Set<number>>;
  kmipResponses: Map<string, Set<number>>;
};

function addStats(into: RequestStats, s: RequestStats): void {
  into.countable += s.countable;
  into.out_of_range += s.out_of_range;
  for (const r of EXCLUSION_REASONS) into[r] += s[r];
}

function mergeSets(into: Map<string, Set<number>>, entries: [string, number[]][]): void {
  for (const [k, months] of entries) {
    let s = into.get(k);
    if (s === undefined) into.set(k, (s = new Set()));
    for (const m of months) s.add(m);
  }
}

/**
 * Usages from different collectors that share facts fold together (earliest month use wins). The
 * partials' usage objects are taken over and folded into (UsageTable.merge): merge consumes them.
 */
function mergeUsages(lists: Usage[][]): Usage[] {
  if (lists.length === 1) return lists[0]!;
  const table = new UsageTable();
  for (const list of lists) for (const u of list) table.merge(u);
  return table.values();
}

/**
 * Keyed lists of the partials as one map, the earliest value per key. A partial's keys are distinct
 * (it lists a map), so a single partial's list is taken as it is: rebuilding the registry's maps
 * entry by entry was ~8 ms of every single-collector finish on the 1.1 GB bench log.
 */
function earliestByKey<V extends { order: Order }>(lists: readonly (readonly [string, V][])[]): Map<string, V> {
  if (lists.length === 1) return new Map(lists[0]);
  const into = new Map<string, V>();
  for (const list of lists) for (const [k, v] of list) keepEarliestIn(into, k, v);
  return into;
}

export function merge(partials: VaultPartial[]): Merged {
  const tokens = earliestByKey(partials.map((p) => p.tokens));
  // An accessor's registration may be an index into its partial's tokens (see VaultPartial).
  const accessors = earliestByKey(partials.map((p) =>
    p.accessors.map(([k, r]): [string, OrderedRegistration] => [k, typeof r === 'number' ? p.tokens[r]![1] : r])));
  const mounts = new MountCandidates();
  const tma = earliestByKey(partials.map((p) => p.tokenMountAccessors));
  const at = earliestByKey(partials.map((p) => p.accessorTokens));
  const creations = new Map<string, Creation>();
  const m: Merged = {
    usages: [], responseUsages: [], requestEntries: 0, requestStats: emptyRequestStats(), responseStats: emptyRequestStats(),
    registry: { tokens, accessors, candidates: new Map(), tokenMountAccessors: new Map() }, accessorTokens: new Map(),
    kmip: new Map(), kmipWithoutSerial: 0, kmipResponses: new Map(), kmipResponsesWithoutSerial: 0, kmipRequestEntries: 0,
    creations: [], namespacesWithoutId: 0, otherEntries: 0, unhashedTokens: false, firstInRange: null, lastInRange: null,
  };
  for (const p of partials) {
    m.requestEntries += p.requestEntries;
    addStats(m.requestStats, p.requestStats);
    addStats(m.responseStats, p.responseStats);
    for (const c of p.mounts) mounts.fold(c.nsId, c.mountPath, c.accessor, c.accessorOrder, c.type, c.typeOrder);
    mergeSets(m.kmip, p.kmip);
    mergeSets(m.kmipResponses, p.kmipResponses);
    m.kmipWithoutSerial += p.kmipWithoutSerial;
    m.kmipResponsesWithoutSerial += p.kmipResponsesWithoutSerial;
    m.kmipRequestEntries += p.kmipRequestEntries;
    for (const c of p.creations) keepEarliestIn(creations, c.key + '\u0000' + c.month, c);
    m.namespacesWithoutId += p.namespacesWithoutId;
    m.otherEntries += p.otherEntries;
    m.unhashedTokens ||= p.unhashedTokens;
    if (p.firstInRange && (!m.firstInRange || compareOrder(p.firstInRange, m.firstInRange) < 0)) m.firstInRange = p.firstInRange;
    if (p.lastInRange && (!m.lastInRange || compareOrder(p.lastInRange, m.lastInRange) > 0)) m.lastInRange = p.lastInRange;
  }
  m.usages = mergeUsages(partials.map((p) => p.usages));
  m.responseUsages = mergeUsages(partials.map((p) => p.responseUsages));
  m.creations = [...creations.values()];
  for (const [k, v] of tma) m.registry.tokenMountAccessors.set(k, v.accessor);
  for (const [k, v] of at) m.accessorTokens.set(k, v.token);
  for (const c of mounts.values()) {
    if (c.mountPath === TOKEN_MOUNT_PATH) continue; // §7.3 step 3 excludes the token mount
    const list = m.registry.candidates.get(c.nsId) ?? [];
    list.push({ mountPath: c.mountPath, label: candidateLabel(c.mountPath), accessor: c.accessor, type: c.type } satisfies CandidateMount);
    m.registry.candidates.set(c.nsId, list);
  }
  return m;
}

