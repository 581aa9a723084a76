// Token registry entries [V6] (spec vault.md §7.2): which responses issue a token, and the
// namespace, mount and issue time each registers. Pure.

import { parseEventTime, formatSeconds, type EventTime } from '../ingest/time.js';
import type { Namespace } from './namespace.js';

export const UNKNOWN_MOUNT = 'unknown (token issued before the logs)';
export const TOKEN_MOUNT_PATH = 'auth/token/';

const TOKEN_CREATE = /^auth\/token\/create(-orphan)?(\/.+)?$/s;
const LOGIN_MOUNT = /^auth\/(.+?)\/login(\/.*)?$/s;

function stripSlash(p: string): string {
  return p.startsWith('/') ? p.slice(1) : p;
}

export function isTokenCreatePath(path: string): boolean {
  const p = stripSlash(path);
  return p === 'auth/token/create' || p === 'auth/token/create-orphan' || (TOKEN_CREATE.test(p) && p.startsWith('auth/token/create/'));
}

/** A response with a new token issues it when its path is a token-store create or any auth/ path outside auth/token/. */
export function isIssuingPath(path: string): boolean {
  const p = stripSlash(path);
  if (isTokenCreatePath(p)) return true;
  return p.startsWith('auth/') && !p.startsWith('auth/token/');
}

/** Mount path of the issuing mount from mount_point or the request path; null when underivable. */
export function issuingMountPath(mountPoint: string, path: string, ns: Namespace): string | null {
  if (mountPoint !== '') {
    let m = mountPoint;
    if (ns.path !== '' && m.startsWith(ns.path)) m = m.slice(ns.path.length);
    if (m.startsWith('/')) m = m.slice(1);
    if (m === '') return null;
    return m.endsWith('/') ? m : m + '/';
  }
  const p = stripSlash(path);
  const login = LOGIN_MOUNT.exec(p);
  if (login) return `auth/${login[1]}/`;
  const seg = /^auth\/([^/]+)\//s.exec(p);
  return seg ? `auth/${seg[1]}/` : null;
}

/** A token's registration; plain data (crosses worker threads). */
export interface Registration {
  nsId: string;
  nsPath: string;
  /** null: no mount path could be derived (mount becomes the unknown label). */
  mountPath: string | null;
  mountAccessor: string;
  mountType: string;
  /** True for auth/token/create*: accessor falls back on the namespace's learned token accessor. */
  tokenStore: boolean;
  /** UTC, whole seconds. */
  issueTime: string;
}

/** token_issue_time (seconds, possibly a local offset) in UTC; '' when absent or invalid. */
export function issueTimeUtc(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') return '';
  if (isUtcSeconds(raw)) return raw;
  const t = parseEventTime(raw);
  if (t === null) return '';
  // Usually already in this form: keep the line's (interned) string rather than a new copy per token.
  const utc = formatSeconds(t.ms);
  return utc === raw ? raw : utc;
}

const digitsAt = (s: string, at: number, n: number): number => {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
};

/**
 * Already what issueTimeUtc returns: `YYYY-MM-DDTHH:MM:SSZ`, a real date (1900 on), no leap second.
 * Most issue times are in this form, and a regex and a Date per token were ~70 ms of finish on the
 * 1.1 GB bench log. Anything else takes the full parse (test: same result on every form).
 */
export function isUtcSeconds(s: string): boolean {
  if (s.length !== 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return false;
  const y = digitsAt(s, 0, 4), mo = digitsAt(s, 5, 2), d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2), mi = digitsAt(s, 14, 2), sec = digitsAt(s, 17, 2);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  const monthDays = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  return d <= monthDays;
}

export function registrationOf(
  ns: Namespace,
  path: string,
  mountPoint: string,
  reqMountAccessor: string,
  respMountAccessor: string,
  reqMountType: string,
  respMountType: string,
  tokenIssueTime: unknown,
  time: EventTime,
): Registration {
  const issueTime = issueTimeUtc(tokenIssueTime) || formatSeconds(time.ms);
  const mountAccessor = reqMountAccessor || respMountAccessor;
  if (isTokenCreatePath(path)) {
    return {
      nsId: ns.id, nsPath: ns.path, mountPath: TOKEN_MOUNT_PATH, mountAccessor,
      mountType: reqMountType || (ns.id === 'root' ? 'token' : 'ns_token'),
      tokenStore: true, issueTime,
    };
  }
  return {
    nsId: ns.id, nsPath: ns.path, mountPath: issuingMountPath(mountPoint, path, ns), mountAccessor,
    mountType: reqMountType || respMountType, tokenStore: false, issueTime,
  };
}
