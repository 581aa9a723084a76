// Usages (partial.ts) folded by their facts: one record per distinct set of facts, with the earliest
// use per month and the earliest few line references. Used per request by the collector and per
// usage when finish merges collectors' partials, so both fold by the same identity.

import { compareOrder, type Order } from '../ingest/order.js';
import type { LineRef, Usage, UsageFacts, UsageMonth } from './partial.js';
import { issueTimeUtc } from './registration.js';

/** Line references kept per usage, for the client-id-mismatch warning. */
const MAX_FIRST_LINES = 3;

function sameFacts(a: UsageFacts, b: UsageFacts): boolean {
  if (a.authToken !== b.authToken || a.reqToken !== b.reqToken || a.accessor !== b.accessor ||
    a.entityId !== b.entityId || a.loggedId !== b.loggedId || a.nsId !== b.nsId || a.nsPath !== b.nsPath ||
    a.displayName !== b.displayName) return false;
  if (a.policies === b.policies) return true;
  if (a.policies.length !== b.policies.length) return false;
  for (let i = 0; i < a.policies.length; i++) if (a.policies[i] !== b.policies[i]) return false;
  return true;
}

/** Adds `ref` if it is among the earliest; returns the list (a new one when it was empty). */
function keepEarliestLine(list: LineRef[], ref: LineRef): LineRef[] {
  if (list.length === 0) return [ref];
  if (list.length < MAX_FIRST_LINES) {
    list.push(ref);
  } else if (compareOrder(ref.order, list[MAX_FIRST_LINES - 1]!.order) < 0) {
    list[MAX_FIRST_LINES - 1] = ref;
  } else return list;
  list.sort((a, b) => compareOrder(a.order, b.order));
  return list;
}

// Arrays start from a literal of their first element: `[]` then push() reserves 17 slots, and a
// usage's lists mostly hold one element (measured: array backing stores were 26 MB of an 84 MB live
// heap after the 3 GB bench log). Most usages never get a line reference: they share NO_LINES.
const NO_LINES: LineRef[] = Object.freeze([]) as unknown as LineRef[];

/** The key usages are found by: the token, else the accessor. */
const tokenOf = (facts: UsageFacts): string => facts.authToken || facts.reqToken || facts.accessor;

/** A token's usages: the one usage it almost always has, or all of them once there are more. */
type TokenUsages = Usage | Usage[];

/**
 * Usages by token: the token (or accessor) almost always decides every other fact, so a usage is
 * found by one map lookup and a field-by-field comparison with the usage(s) of that token.
 * Measured: a 9-field string key per request was 11% of a --jobs 1 run. The projector interns
 * values (ingest/json-projection.ts), so a repeated token is the same string, whose hash V8 has
 * cached and whose comparisons are pointer checks; a fresh 77-char string costs ~400 ns to hash.
 * The map holds a token's single usage itself, not a list of one: each object on the way is a
 * dependent load that misses the cache once the tables outgrow it, and on this VM a miss costs
 * ~200 ns (measured: reaching list[0] took 460 ns per request of the bench log's first 300 MB).
 */
export class UsageTable {
  private readonly byToken = new Map<string, TokenUsages>();

  /** The usage with these facts among the token's, or undefined. */
  private static find(usages: TokenUsages | undefined, facts: UsageFacts): Usage | undefined {
    if (usages === undefined) return undefined;
    if (!Array.isArray(usages)) return sameFacts(usages.facts, facts) ? usages : undefined;
    for (let i = 0; i < usages.length; i++) if (sameFacts(usages[i]!.facts, facts)) return usages[i]!;
    return undefined;
  }

  private insert(usages: TokenUsages | undefined, token: string, u: Usage): Usage {
    if (usages === undefined) this.byToken.set(token, u);
    else if (Array.isArray(usages)) usages.push(u);
    else this.byToken.set(token, [usages, u]);
    return u;
  }

  private usageOf(facts: UsageFacts): Usage {
    const token = tokenOf(facts);
    const usages = this.byToken.get(token);
    return UsageTable.find(usages, facts) ??
      this.insert(usages, token, { facts, months: [], requests: 0, firstLines: NO_LINES, lastMonth: NaN, lastMonthMs: 0 });
  }

  /**
   * The month's earliest use. Its token issue time is converted to UTC seconds when stored, which is
   * rare (a new month of a usage, or an earlier use), not per request (converting per request was 2%
   * of a run), and not in finish either, where the code runs once and cold.
   */
  private static foldMonth(u: Usage, month: number, order: Order, tokenIssueTime: unknown): void {
    // The usual request: a later use in the month last folded. Each object on the way to a month's
    // order is a dependent load that misses the cache (~200 ns each on this VM, see the class comment).
    if (month === u.lastMonth && order.ms > u.lastMonthMs) return;
    u.lastMonth = month;
    for (let i = u.months.length - 1; i >= 0; i--) {
      const m: UsageMonth = u.months[i]!;
      if (m.month !== month) continue;
      if (compareOrder(order, m.order) < 0) {
        m.order = order;
        m.tokenIssueTime = issueTimeUtc(tokenIssueTime);
      }
      u.lastMonthMs = m.order.ms;
      return;
    }
    const m: UsageMonth = { month, order, tokenIssueTime: issueTimeUtc(tokenIssueTime) };
    u.lastMonthMs = order.ms;
    if (u.months.length === 0) u.months = [m];
    else u.months.push(m);
  }

  /** One countable request, at line `lineNo` of task `seq` (seq < 0: keep no line reference). */
  add(facts: UsageFacts, month: number, order: Order, tokenIssueTime: unknown, seq: number, lineNo: number): void {
    const u = this.usageOf(facts);
    u.requests++;
    UsageTable.foldMonth(u, month, order, tokenIssueTime);
    // Line references serve only the client-id-mismatch warning: non-entity requests logging an id.
    if (seq >= 0 && facts.entityId === '' && facts.loggedId !== '') u.firstLines = keepEarliestLine(u.firstLines, { order, seq, lineNo });
  }

  /**
   * A usage folded elsewhere (another collector's partial). One whose facts are new here is taken
   * over as it is, not copied: partials are merged once. Measured on the 3 GB bench log: merging
   * added 36 MB to the heap with copies, 17 MB without.
   */
  merge(other: Usage): void {
    const token = tokenOf(other.facts);
    const usages = this.byToken.get(token);
    const u = UsageTable.find(usages, other.facts);
    if (u === undefined) {
      this.insert(usages, token, other);
      return;
    }
    u.requests += other.requests;
    for (const m of other.months) UsageTable.foldMonth(u, m.month, m.order, m.tokenIssueTime);
    for (const ref of other.firstLines) u.firstLines = keepEarliestLine(u.firstLines, ref);
  }

  values(): Usage[] {
    const out: Usage[] = [];
    for (const usages of this.byToken.values()) {
      if (Array.isArray(usages)) out.push(...usages);
      else out.push(usages);
    }
    return out;
  }
}
