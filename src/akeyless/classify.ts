// Classifies one line of an Akeyless log (spec akeyless.md §3.1 [A1] [B1]): JSON event, JSON event
// behind a syslog prefix, text event (possibly syslog-wrapped), or malformed with a stable reason.
// A file may mix forms. Pure; line contents never leave this module except as parsed fields [B2].

import { isPlainObject, readJsonTime, type EventRecord } from './fields.js';
import { parseTextEvent } from './text-event.js';
import type { AkeylessTime } from './time.js';

export type MalformedReason =
  | 'invalid JSON'
  | 'not a JSON object'
  | 'missing or invalid timestamp'
  | 'unrecognised line'
  | 'unsupported format (CEF)'
  | 'line too long';

export type Classified =
  | { kind: 'json'; record: EventRecord; time: AkeylessTime }
  | { kind: 'text'; record: EventRecord; time: AkeylessTime }
  /** `parsed` is false when the text did not parse at all (a cut last line is truncated, not malformed). */
  | { kind: 'malformed'; reason: MalformedReason; parsed: boolean };

/** CEF header (`CEF:0|vendor|…`) before any JSON on the line: out of scope (§1). */
const CEF = /(?:^|[\s:>|])CEF:\d+\|/;
/** Keys whose presence in the text before a `{` means the `{` is a text value, not a JSON event. */
const TEXT_EVENT_KEYS = ['access_id', 'account_id', 'action', 'status', 'access_type', 'product'];

function jsonEvent(value: unknown): Classified {
  if (!isPlainObject(value)) return { kind: 'malformed', reason: 'not a JSON object', parsed: true };
  const time = readJsonTime(value);
  if (time === null) return { kind: 'malformed', reason: 'missing or invalid timestamp', parsed: true };
  return { kind: 'json', record: value, time };
}

/** A JSON value from an array file or a concatenated-JSON file (§3.1). */
export function classifyValue(value: unknown): Classified {
  return jsonEvent(value);
}

export function classifyLine(raw: string): Classified {
  const line = raw.trim();
  if (line.charCodeAt(0) === 123 /* { */) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { kind: 'malformed', reason: 'invalid JSON', parsed: false };
    }
    return jsonEvent(value);
  }
  const brace = line.indexOf('{');
  if (CEF.test(brace < 0 ? line : line.slice(0, brace))) {
    return { kind: 'malformed', reason: 'unsupported format (CEF)', parsed: true };
  }
  if (brace > 0) {
    // Rule 2: a syslog header, then a JSON event. A text event whose last value is JSON
    // (`… client_sub_claims: {"namespace":["a"]}`) also ends in a parsable object; it stays text
    // when the text before the brace already carries Akeyless keys (interpretation, see
    // test/akeyless/text-event.test.ts "text line ending in a JSON value").
    let value: unknown;
    // The line is trimmed, so JSON from the brace on must end it with `}`: a text event whose
    // sub-claims are JSON mid-line would otherwise throw here on every line (an exception per line
    // was ~40 % of classifyLine on a simulated Gateway log).
    if (line.charCodeAt(line.length - 1) === 125 /* } */) {
      try {
        value = JSON.parse(line.slice(brace));
      } catch {
        value = undefined;
      }
    }
    if (isPlainObject(value)) {
      const text = parseTextEvent(line);
      const isText = text !== null && text !== 'invalid-timestamp' &&
        TEXT_EVENT_KEYS.some((k) => k in text.record && !isPlainObject(text.record[k]));
      if (!isText) return jsonEvent(value);
      return { kind: 'text', record: text.record, time: text };
    }
  }
  const text = parseTextEvent(line);
  if (text === 'invalid-timestamp') return { kind: 'malformed', reason: 'missing or invalid timestamp', parsed: true };
  if (text === null) return { kind: 'malformed', reason: 'unrecognised line', parsed: false };
  return { kind: 'text', record: text.record, time: text };
}
