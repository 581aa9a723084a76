// Text (`key: value`) Akeyless events (spec akeyless.md §3.3, all P): a timestamp, then flat
// `key: value` pairs. Values may hold spaces and colons not followed by whitespace (URLs, times);
// a value starting with `{` or `[` that parses as JSON is used as JSON. Syslog wrapping: when the
// line does not start with the event's timestamp, the first ISO-8601 timestamp followed by a
// `key: ` pair starts the event. Pure.

import { TIMESTAMP_SOURCE, timeFromParts, type AkeylessTime } from './time.js';
import type { EventRecord } from './fields.js';

export interface TextEvent extends AkeylessTime {
  record: EventRecord;
}

/** The timestamp must be followed by whitespace and a key (`[a-z][a-z0-9_]*:` + whitespace/end). */
const EVENT_START = new RegExp(TIMESTAMP_SOURCE + String.raw`(?=\s+[a-z][a-z0-9_]*:(?:\s|$))`, 'g');
/**
 * End (exclusive) of the JSON object or array starting at `from`, by bracket balance outside
 * strings; -1 when it does not close on this line.
 */
function balancedEnd(s: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;
}

function isKeyStart(c: number): boolean {
  return c >= 97 && c <= 122; // a-z
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95; // a-z 0-9 _
}

/**
 * The next key at or after `from` (§3.3 rule 2): `[a-z][a-z0-9_]*` at the start or after
 * whitespace, then `:` and whitespace or the end. Returns [keyStart, colonIndex] or null.
 * Found from its colon: indexOf jumps to each `:` (natively), and only there is the key read
 * backwards; the first key by colon is the first by start, as keys cannot overlap. Scanning every
 * character for word starts, parseKeyValues took 669 ms of a 2,147 ms run on a 64 MB simulated
 * Gateway log; 457 ms this way. Exported for the equivalence test against that scan.
 */
export function nextKey(s: string, from: number): [number, number] | null {
  const n = s.length;
  let at = from;
  for (;;) {
    const colon = s.indexOf(':', at);
    if (colon < 0) return null;
    if (colon + 1 === n || isSpace(s.charCodeAt(colon + 1))) {
      let k = colon;
      while (k > from && isKeyChar(s.charCodeAt(k - 1))) k--;
      if (k < colon && isKeyStart(s.charCodeAt(k)) && (k === 0 || isSpace(s.charCodeAt(k - 1)))) return [k, colon];
    }
    at = colon + 1;
  }
}

/**
 * Keys seen before, by length and first and last character: a key repeated on line after line comes
 * back as the same (internalized) string, without a slice of the line and without V8 looking the
 * property name up again (`key in rec` and the store were a third of parseKeyValues).
 */
const KEY_CACHE_SLOTS = 1024;
const keyCache: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('');

function keyAt(body: string, start: number, end: number): string {
  const len = end - start;
  const slot = (len * 961 + body.charCodeAt(start) * 31 + body.charCodeAt(end - 1)) & (KEY_CACHE_SLOTS - 1);
  const cached = keyCache[slot]!;
  if (cached.length === len && body.startsWith(cached, start)) return cached;
  // Its own internalized copy: a slice of a long line would keep the whole line alive in the cache.
  const key = Object.keys({ [body.slice(start, end)]: 0 })[0]!;
  keyCache[slot] = key;
  return key;
}

/**
 * Splits `key: value` pairs (§3.3 rules 2-4). A JSON value is taken whole even when its text holds
 * something key-like (`"msg": "error: x"`), so JSON is tried before the next-key rule. The first
 * occurrence of a key wins.
 */
export function parseKeyValues(body: string): EventRecord {
  const rec: EventRecord = {};
  let m = nextKey(body, 0);
  while (m !== null) {
    const key = keyAt(body, m[0], m[1]);
    let valueStart = m[1] + 1;
    while (valueStart < body.length && isSpace(body.charCodeAt(valueStart))) valueStart++;
    let value: unknown;
    let next: [number, number] | null = null;
    const c = body.charCodeAt(valueStart);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const end = balancedEnd(body, valueStart);
      if (end > 0 && (end === body.length || isSpace(body.charCodeAt(end)))) {
        try {
          value = JSON.parse(body.slice(valueStart, end));
          next = nextKey(body, end);
          // Only whitespace may separate the JSON from the next key; otherwise it was not JSON.
          if (body.slice(end, next === null ? body.length : next[0]).trim() !== '') value = undefined;
        } catch {
          value = undefined;
        }
      }
    }
    if (value === undefined) {
      // A key directly after `key: ` (an empty value) is found: the scan starts at its first char.
      next = nextKey(body, valueStart);
      value = body.slice(valueStart, next === null ? body.length : next[0]).trim();
    }
    if (!(key in rec)) rec[key] = value;
    m = next;
  }
  return rec;
}

export type TextParse = TextEvent | 'invalid-timestamp' | null;

/**
 * A text event, or null when the line holds no timestamp followed by a key, or
 * 'invalid-timestamp' when it does but the date is impossible (2026-02-31).
 */
export function parseTextEvent(line: string): TextParse {
  EVENT_START.lastIndex = 0;
  const m = EVENT_START.exec(line);
  if (m === null) return null;
  const t = timeFromParts(m[1]!, m[2]!, m[3], m[4], m[5]);
  if (t === null) return 'invalid-timestamp';
  return { ...t, record: parseKeyValues(line.slice(m.index + m[0].length).trim()) };
}
