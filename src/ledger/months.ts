// Months and billing months (spec vault.md §8.2 [V8]). A month is identified by an integer index
// year*12 + (calendar month - 1) of the calendar month it starts in. With a billing day d != 1 a
// billing month starts at 00:00:00Z on day d (the month's last day when it is shorter). Pure.

export class MonthCalendar {
  // One-interval cache: events arrive nearly in time order, so the previous month almost always
  // contains the next event and no Date object is built per entry.
  private lo = 1;
  private hi = 0;
  private cachedIndex = 0;

  constructor(readonly billingDay: number = 1) {}

  startMs(index: number): number {
    const y = Math.floor(index / 12);
    const m0 = index - y * 12;
    const days = new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
    return Date.UTC(y, m0, Math.min(this.billingDay, days));
  }

  indexOf(ms: number): number {
    if (ms >= this.lo && ms < this.hi) return this.cachedIndex;
    const d = new Date(ms);
    let idx = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (ms < this.startMs(idx)) idx--;
    this.cachedIndex = idx;
    this.lo = this.startMs(idx);
    this.hi = this.startMs(idx + 1);
    return idx;
  }

  /** Month start as RFC 3339 UTC, e.g. 2024-03-15T00:00:00Z. */
  timestamp(index: number): string {
    return new Date(this.startMs(index)).toISOString().slice(0, 19) + 'Z';
  }

  /** Last second of the month, e.g. 2024-04-14T23:59:59Z. */
  endTimestamp(index: number): string {
    return new Date(this.startMs(index + 1) - 1000).toISOString().slice(0, 19) + 'Z';
  }
}
