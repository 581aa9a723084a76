// Akeyless event times [A1] (spec akeyless.md §3.2, §3.3): ISO-8601 strings with or without a zone
// (text events may omit it; UTC is assumed and the event is flagged naive), ` UTC` suffixes, and
// epoch numbers (seconds when < 10^11, else milliseconds). Converts to the shared nanosecond
// EventTime; the RFC 3339 parsing itself is ingest/time.ts. Pure.

import { parseEventTime, type EventTime } from '../ingest/time.js';

export interface AkeylessTime {
  time: EventTime;
  /** No zone was given: UTC assumed (warning naive-timestamp). */
  naive: boolean;
}

/** Date, `T` or space, time, fraction of any length, optional zone (`Z`, ±hh[:]mm, ` UTC`). */
export const TIMESTAMP_SOURCE =
  String.raw`(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: ?([Zz]|[+-]\d{2}:?\d{2})| (UTC))?`;
const TIMESTAMP_WHOLE = new RegExp('^' + TIMESTAMP_SOURCE + '$');

/** Builds the EventTime from the groups of a TIMESTAMP_SOURCE match; null for impossible dates. */
export function timeFromParts(date: string, clock: string, frac: string | undefined, zone: string | undefined, utc: string | undefined): AkeylessTime | null {
  // ingest/time.ts keeps nanoseconds: digits beyond the 9th cannot matter and are dropped.
  const f = frac === undefined ? '' : '.' + frac.slice(0, 9);
  const z = utc !== undefined ? 'Z' : zone ?? '';
  const time = parseEventTime(`${date}T${clock}${f}${z}`, true);
  return time === null ? null : { time, naive: z === '' };
}

export function parseIsoTimeA1(text: string): AkeylessTime | null {
  const m = TIMESTAMP_WHOLE.exec(text.trim());
  if (m === null) return null;
  return timeFromParts(m[1]!, m[2]!, m[3], m[4], m[5]);
}

/** Epoch seconds (< 10^11) or milliseconds (P, §3.2). */
export function epochTimeA1(value: number): AkeylessTime | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const msFloat = value < 1e11 ? value * 1000 : value;
  const ms = Math.floor(msFloat);
  // Sub-millisecond digits of a float are noise beyond the microsecond; keep what survives.
  const subNs = Math.min(999_999, Math.round((msFloat - ms) * 1e6));
  return { time: { ms, subNs }, naive: false };
}

/** A JSON `timestamp`/`time` value: ISO string, epoch number, or an all-digit epoch string. */
export function jsonTimeA1(value: unknown): AkeylessTime | null {
  if (typeof value === 'number') return epochTimeA1(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return epochTimeA1(Number(s));
  return parseIsoTimeA1(s);
}
