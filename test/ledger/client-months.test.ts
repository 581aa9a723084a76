// [V8] [A4] The client-month ledger (src/ledger/client-months.ts): per (client, month) the observation
// earliest in processing order wins, whatever order observations arrive in; client-months come out
// clients in key order, months ascending, the first month of each client marked new.

import { describe, expect, it } from 'vitest';
import { ClientMonthLedger } from '../../src/ledger/client-months.js';
import type { Order } from '../../src/ingest/order.js';

const order = (ms: number, offset = 0): Order => ({ ms, subNs: 0, file: 0, offset });

/** A deterministic shuffle (LCG), so a failure names its seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const a = items.slice();
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('ClientMonthLedger', () => {
  it('V8 first use of the month wins, in any observation order', () => {
    const obs: [string, number, Order, string][] = [];
    for (let c = 0; c < 40; c++) {
      for (let k = 0; k < 12; k++) {
        const month = (c * 7 + k * 3) % 5;
        const ms = 1000 + ((c * 31 + k * 17) % 97);
        obs.push([`client-${c % 13}`, month, order(ms, k), `attr ${c} ${k}`]);
      }
    }
    // the brute-force model: the minimum by (ms, offset) per client and month
    const best = new Map<string, [Order, string]>();
    for (const [client, month, o, attr] of obs) {
      const key = `${client}|${month}`;
      const prev = best.get(key);
      if (prev === undefined || o.ms < prev[0].ms || (o.ms === prev[0].ms && o.offset < prev[0].offset)) best.set(key, [o, attr]);
    }
    for (const seed of [1, 2, 3, 4, 5]) {
      const ledger = new ClientMonthLedger<string>();
      for (const [client, month, o, attr] of shuffled(obs, seed)) {
        const keep = ledger.wouldKeep(client, month, o);
        ledger.observe(client, month, o, attr);
        // once kept, an equal order does not replace it (strictly earlier wins)
        if (keep) expect(ledger.wouldKeep(client, month, o), `seed ${seed}`).toBe(false);
      }
      const got = [...ledger.clientMonths()];
      expect(got.length).toBe(best.size);
      for (const cm of got) {
        const [o, attr] = best.get(`${cm.client}|${cm.month}`)!;
        expect(cm.observation.attr, `seed ${seed} ${cm.client} ${cm.month}`).toBe(attr);
        expect(cm.observation.order).toEqual(o);
      }
      // clients in key order, months ascending within a client, the first one new
      const keys = got.map((cm) => [cm.client, cm.month] as const);
      const sorted = keys.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
      expect(keys).toEqual(sorted);
      for (let i = 0; i < got.length; i++) expect(got[i]!.isNew).toBe(i === 0 || got[i - 1]!.client !== got[i]!.client);
      expect(ledger.clientCount).toBe(13);
      expect(ledger.monthSpan()).toEqual([0, 4]);
      // firstMonths: each client's earliest month with its observation there
      const firsts = [...ledger.firstMonths()];
      expect(firsts.length).toBe(13);
      for (const f of firsts) {
        const months = got.filter((cm) => cm.client === f.client).map((cm) => cm.month);
        expect(f.month).toBe(Math.min(...months));
        expect(f.observation.attr).toBe(best.get(`${f.client}|${f.month}`)![1]);
      }
    }
  });

  it('an empty ledger has no months', () => {
    const ledger = new ClientMonthLedger<string>();
    expect(ledger.monthSpan()).toBeNull();
    expect([...ledger.clientMonths()]).toEqual([]);
    expect(ledger.wouldKeep('a', 0, order(1))).toBe(true);
  });
});
