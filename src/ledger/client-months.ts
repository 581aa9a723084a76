// De-duplication of clients per month (spec vault.md §8.2-§8.3 [V8] [V9], akeyless.md §6.3 [A4]).
// Vendor-neutral: a client is an opaque key; its attribution `A` is whatever the vendor's rules
// decided. Per (client, month) the observation earliest in processing order wins, which is the
// "first countable use of the month fixes that month's attribution" rule of both vendors.

import { compareOrder, keepEarliestIn, type Order } from '../ingest/order.js';

export interface Observation<A> {
  order: Order;
  attr: A;
}

export interface ClientMonth<A> {
  client: string;
  month: number;
  observation: Observation<A>;
  /** True when no earlier month of the range saw the client. */
  isNew: boolean;
}

export class ClientMonthLedger<A> {
  private readonly byClient = new Map<string, Map<number, Observation<A>>>();

  observe(client: string, month: number, order: Order, attr: A): void {
    let months = this.byClient.get(client);
    if (months === undefined) {
      months = new Map();
      this.byClient.set(client, months);
    }
    keepEarliestIn(months, month, { order, attr });
  }

  /** Whether observe() would keep an observation at `order`; lets callers skip building a losing attribution. */
  wouldKeep(client: string, month: number, order: Order): boolean {
    const prev = this.byClient.get(client)?.get(month);
    return prev === undefined || compareOrder(order, prev.order) < 0;
  }

  get clientCount(): number {
    return this.byClient.size;
  }

  /** Lowest and highest month holding any client, or null when empty. */
  monthSpan(): [number, number] | null {
    let lo = Infinity, hi = -Infinity;
    for (const months of this.byClient.values()) {
      for (const m of months.keys()) {
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    }
    return lo === Infinity ? null : [lo, hi];
  }

  /** Every (client, month), clients in key order, months ascending; isNew marks first months. */
  *clientMonths(): Generator<ClientMonth<A>> {
    for (const client of [...this.byClient.keys()].sort()) {
      const months = this.byClient.get(client)!;
      const sorted = [...months.keys()].sort((a, b) => a - b);
      for (let i = 0; i < sorted.length; i++) {
        const month = sorted[i]!;
        yield { client, month, observation: months.get(month)!, isNew: i === 0 };
      }
    }
  }

  /** The client's earliest month in the range and its observation there (export records). */
  *firstMonths(): Generator<ClientMonth<A>> {
    for (const [client, months] of this.byClient) {
      let best = Infinity;
      for (const m of months.keys()) if (m < best) best = m;
      yield { client, month: best, observation: months.get(best)!, isNew: true };
    }
  }
}

/** Distinct-count helper: counts each key once per group. */
export class DistinctCounter<K extends string = string> {
  private readonly groups = new Map<K, Set<string>>();
  add(group: K, client: string): void {
    let s = this.groups.get(group);
    if (s === undefined) {
      s = new Set();
      this.groups.set(group, s);
    }
    s.add(client);
  }
  count(group: K): number {
    return this.groups.get(group)?.size ?? 0;
  }
  entries(): [K, number][] {
    return [...this.groups].map(([k, s]) => [k, s.size]);
  }
}
