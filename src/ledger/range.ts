// The --from/--to range (spec vault.md §8.1): inclusive UTC bounds at nanosecond precision.
// Dates, YYYY-MM and ISO date-times are parsed with luxon at setup; per entry only numbers compare.

import type * as Luxon from 'luxon';
import { UsageError } from '../errors.js';
import { compareTimes, type EventTime } from '../ingest/time.js';
import { lazyRequire } from '../lazy-require.js';

/** Only --from/--to need it (~15 ms to import). */
const luxon = lazyRequire<typeof Luxon>('luxon');

export interface TimeRange {
  /** Inclusive lower bound, or null for unbounded. */
  from: EventTime | null;
  /** Inclusive upper bound (the last nanosecond of a --to date), or null. */
  to: EventTime | null;
  /** The flags as the user gave them, echoed in the report's rules section. */
  fromText: string | null;
  toText: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

function parseBound(flag: string, text: string, isEnd: boolean): EventTime {
  const fail = (): never => {
    throw new UsageError(
      `invalid ${flag} "${text}": expected a real date YYYY-MM-DD, a month YYYY-MM or an ISO 8601 date-time`);
  };
  if (MONTH.test(text)) {
    const dt = luxon().DateTime.fromFormat(text, 'yyyy-MM', { zone: 'utc' });
    if (!dt.isValid) fail();
    return isEnd ? { ms: dt.plus({ months: 1 }).toMillis() - 1, subNs: 999_999 } : { ms: dt.toMillis(), subNs: 0 };
  }
  if (DATE.test(text)) {
    const dt = luxon().DateTime.fromISO(text, { zone: 'utc' });
    if (!dt.isValid) fail();
    return isEnd ? { ms: dt.plus({ days: 1 }).toMillis() - 1, subNs: 999_999 } : { ms: dt.toMillis(), subNs: 0 };
  }
  const dt = luxon().DateTime.fromISO(text, { zone: 'utc', setZone: true });
  if (!dt.isValid) fail();
  return { ms: dt.toMillis(), subNs: 0 };
}

export function parseRange(from: string | undefined, to: string | undefined): TimeRange {
  const range: TimeRange = {
    from: from === undefined ? null : parseBound('--from', from, false),
    to: to === undefined ? null : parseBound('--to', to, true),
    fromText: from ?? null,
    toText: to ?? null,
  };
  if (range.from && range.to && compareTimes(range.from, range.to) > 0) {
    throw new UsageError(`invalid range: --from ${from} is after --to ${to}`);
  }
  return range;
}

export function isInRange(range: TimeRange, t: EventTime): boolean {
  if (range.from !== null && (t.ms < range.from.ms || (t.ms === range.from.ms && t.subNs < range.from.subNs))) return false;
  if (range.to !== null && (t.ms > range.to.ms || (t.ms === range.to.ms && t.subNs > range.to.subNs))) return false;
  return true;
}

/** Parses --billing-start; only its day of month matters (§8.2). */
export function parseBillingDay(text: string | undefined): number {
  if (text === undefined) return 1;
  const dt = DATE.test(text) ? luxon().DateTime.fromISO(text, { zone: 'utc' }) : null;
  if (!dt || !dt.isValid) throw new UsageError(`invalid --billing-start "${text}": expected a real date YYYY-MM-DD`);
  return dt.day;
}
