// [V4] [V8] The usage table (src/vault/usage-table.ts): requests with equal facts fold into one usage,
// whatever token they share, with the earliest use per month; merging tables gives what one table
// fed every request gives. Checked against a brute-force model (a list searched field by field).

import { describe, expect, it } from 'vitest';
import { compareOrder, type Order } from '../../src/ingest/order.js';
import type { Usage, UsageFacts } from '../../src/vault/partial.js';
import { UsageTable } from '../../src/vault/usage-table.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';

const order = (ms: number, offset: number): Order => ({ ms, subNs: 0, file: 0, offset });

interface Request { facts: UsageFacts; month: number; order: Order }

/** Requests over a few tokens, each seen with a few different facts (another namespace, entity, policy list). */
function requests(seed: number, n: number): Request[] {
  let s = seed;
  const next = (k: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % k;
  };
  const policyLists = [['default'], ['default', 'kv'], ['root']];
  const out: Request[] = [];
  for (let i = 0; i < n; i++) {
    const token = `hmac-sha256:t${next(6)}`;
    const viaAccessor = next(8) === 0;
    out.push({
      facts: {
        entityId: next(3) === 0 ? '' : `e${next(2)}`,
        loggedId: '',
        // Equal lists that are not the same array must still fold together.
        policies: [...policyLists[next(3)]!],
        authToken: viaAccessor ? '' : token,
        reqToken: '',
        accessor: viaAccessor ? token : `acc-${token}`,
        nsId: next(4) === 0 ? 'ns1' : 'root',
        nsPath: '',
        displayName: 'app',
      },
      month: next(3),
      order: order(1000 + next(500), i),
    });
  }
  return out;
}

const sameFacts = (a: UsageFacts, b: UsageFacts): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The model: one entry per distinct facts, earliest order per month, request count. */
function model(reqs: Request[]): string[] {
  const usages: { facts: UsageFacts; months: Map<number, Order>; requests: number }[] = [];
  for (const r of reqs) {
    let u = usages.find((x) => sameFacts(x.facts, r.facts));
    if (u === undefined) usages.push((u = { facts: r.facts, months: new Map(), requests: 0 }));
    u.requests++;
    const prev = u.months.get(r.month);
    if (prev === undefined || compareOrder(r.order, prev) < 0) u.months.set(r.month, r.order);
  }
  return usages.map((u) => describeUsage(u.facts, u.requests, [...u.months].map(([month, o]) => ({ month, order: o })))).sort();
}

function describeUsage(facts: UsageFacts, requests: number, months: { month: number; order: Order }[]): string {
  const ms = months.map((m) => `${m.month}@${m.order.ms}.${m.order.offset}`).sort().join(',');
  return `${JSON.stringify(facts)} requests=${requests} months=${ms}`;
}

const describeTable = (usages: Usage[]): string[] => usages.map((u) => describeUsage(u.facts, u.requests, u.months)).sort();

function fed(reqs: Request[]): UsageTable {
  const t = new UsageTable();
  for (const r of reqs) t.add(r.facts, r.month, r.order, '', 0, 1);
  return t;
}

describe('UsageTable', () => {
  it('V4 one usage per distinct facts, also among the several usages of one token', () => {
    for (const seed of [1, 2, 3]) {
      const reqs = requests(seed, 600);
      const got = describeTable(fed(reqs).values());
      expect(got).toEqual(model(reqs));
      // The case under test: tokens with more than one usage.
      const perToken = new Map<string, number>();
      for (const line of got) {
        const f = JSON.parse(line.slice(0, line.indexOf(' requests='))) as UsageFacts;
        const token = f.authToken || f.accessor;
        perToken.set(token, (perToken.get(token) ?? 0) + 1);
      }
      expect(Math.max(...perToken.values())).toBeGreaterThan(2);
    }
  });
  it('V8 earliest use per month wins in any arrival order (same millisecond, earlier offset later)', () => {
    // Folding shortcuts on "a later use of the month last folded" must not take a tie in ms for later.
    for (const seed of [4, 5]) {
      const reqs = requests(seed, 600).map((r) => ({ ...r, order: order(r.order.ms - (r.order.ms % 7), r.order.offset) }));
      const rnd = mulberry32(seed);
      for (let i = reqs.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [reqs[i], reqs[j]] = [reqs[j]!, reqs[i]!];
      }
      expect(describeTable(fed(reqs).values())).toEqual(model(reqs));
      expect(describeTable(fed([...reqs].reverse()).values())).toEqual(model(reqs));
    }
  });
  it('V8 merging tables gives the table of all their requests (earliest use per month wins)', () => {
    const reqs = requests(7, 900);
    const parts = [reqs.slice(0, 250), reqs.slice(250, 700), reqs.slice(700)];
    const merged = new UsageTable();
    for (const part of parts) for (const u of fed(part).values()) merged.merge(u);
    expect(describeTable(merged.values())).toEqual(model(reqs));
  });
});
