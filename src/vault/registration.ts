// Token registry entries [V6] (spec vault.md §7.2): which responses issue a token, and the
// namespace, mount and issue time each registers. Pure.

import { formatSeconds, toUtcSeconds, type EventTime } from '../ingest/time.js';
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

/**
 * token_issue_time (seconds, possibly a local offset) in UTC; '' when absent or invalid. A copy when
 * it is the text itself: the projector decodes it per line as a slice of the line's string table,
 * which a kept slice would keep alive (this is called only to store it).
 */
export function issueTimeUtc(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') return '';
  const utc = toUtcSeconds(raw);
  return utc === raw ? Buffer.from(utc, 'latin1').toString('latin1') : utc;
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
