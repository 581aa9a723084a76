// Field lookup in one Akeyless event (spec akeyless.md §3.2): JSON events and text events (whose
// `key: value` pairs form the same flat record, §3.3 rule 5) are read by the same functions.
// Top level first, then `request_parameters`; empty string, null and `-` mean absent; unknown keys
// are ignored. Pure; knows nothing about counting.

import { jsonTimeA1, type AkeylessTime } from './time.js';

export type EventRecord = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string value as counted: trimmed; `""`, `-`, null and non-scalars are absent (null). */
export function scalar(v: unknown): string | null {
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' || s === '-' ? null : s;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  // An array used for a single value: its first element (§3.2, client_sub_claims; tolerated everywhere).
  if (Array.isArray(v)) return v.length > 0 ? scalar(v[0]) : null;
  return null;
}

/** An object given inline or as a JSON string (text events, double-encoded forwarders). */
function objectValue(v: unknown): Record<string, unknown> | null {
  if (isPlainObject(v)) return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(s);
        if (isPlainObject(parsed)) return parsed;
      } catch {
        // A non-JSON value is ignored (§3.3 rule 4).
      }
    }
  }
  return null;
}

/** The fields the rules read, copied once per event into a fixed shape. */
export interface EventFields {
  accessId: string | null;
  status: unknown;
  hasError: boolean;
  accessType: string | null;
  uniqueId: string | null;
  product: string | null;
  comment: string | null;
  tokenId: string | null;
  namespace: string | null;
  configName: string | null;
  subClaims: Record<string, unknown> | null;
}

/** §3.2: `access_id`, `status`, `error` at top level only; the rest top level, else request_parameters. */
export function readFields(rec: EventRecord): EventFields {
  const rp = objectValue(rec['request_parameters']);
  const nested = (name: string): string | null => scalar(rec[name]) ?? (rp === null ? null : scalar(rp[name]));
  const err = rec['error'];
  return {
    accessId: scalar(rec['access_id']),
    status: rec['status'],
    hasError: scalar(err) !== null || (isPlainObject(err) && Object.keys(err).length > 0),
    accessType: nested('access_type'),
    uniqueId: nested('unique_id'),
    product: nested('product'),
    comment: nested('comment'),
    tokenId: nested('token_id'),
    namespace: nested('namespace'),
    configName: nested('config_name'),
    subClaims: objectValue(rec['client_sub_claims']) ?? (rp === null ? null : objectValue(rp['client_sub_claims'])),
  };
}

/** One sub-claim: a string, or the first element of an array of strings (§3.2). */
export function subClaim(claims: Record<string, unknown> | null, name: string): string | null {
  return claims === null ? null : scalar(claims[name]);
}

/** §3.2 [A1]: `timestamp`, else `time`; the first that parses wins (tolerant when one is garbage). */
export function readJsonTime(rec: EventRecord): AkeylessTime | null {
  return jsonTimeA1(rec['timestamp']) ?? jsonTimeA1(rec['time']);
}
