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
/** A key: at the start or after whitespace, followed by `:` and whitespace or the end (§3.3 rule 2). */
const KEY = /(?<=^|\s)([a-z][a-z0-9_]*):(?=\s|$)/g;

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

/**
 * Splits `key: value` pairs (§3.3 rules 2-4). A JSON value is taken whole even when its text holds
 * something key-like (`"msg": "error: x"`), so JSON is tried before the next-key rule. The first
 * occurrence of a key wins.
 */
export function parseKeyValues(body: string): EventRecord {
  const rec: EventRecord = {};
  KEY.lastIndex = 0;
  let m = KEY.exec(body);
  while (m !== null) {
    const key = m[1]!;
    let valueStart = m.index + m[0].length;
    while (valueStart < body.length && /\s/.test(body[valueStart]!)) valueStart++;
    let value: unknown;
    let next: RegExpExecArray | null = null;
    const c = body[valueStart];
    if (c === '{' || c === '[') {
      const end = balancedEnd(body, valueStart);
      if (end > 0 && (end === body.length || /\s/.test(body[end]!))) {
        try {
          value = JSON.parse(body.slice(valueStart, end));
          KEY.lastIndex = end;
          next = KEY.exec(body);
          // Only text up to the next key may follow the JSON; otherwise it was not a JSON value.
          const gap = body.slice(end, next === null ? body.length : next.index);
          if (gap.trim() !== '') value = undefined;
        } catch {
          value = undefined;
        }
      }
    }
    if (value === undefined) {
      KEY.lastIndex = valueStart;
      next = KEY.exec(body);
      // A key directly after `key: ` (empty value) is found because lastIndex is at its start.
      value = body.slice(valueStart, next === null ? body.length : next.index).trim();
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
