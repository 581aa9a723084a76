// Which request entries count [V3] (spec vault.md §5.2). Conditions a-f in order; the first that
// fails names the exclusion reason. Pure: takes the already-extracted facts of one entry.

import type { VaultProfile } from '../platform.js';

export type ExclusionReason = 'no_token' | 'error' | 'policy_denied' | 'login' | 'root' | 'wrapping';
export const EXCLUSION_REASONS: readonly ExclusionReason[] = ['no_token', 'error', 'policy_denied', 'login', 'root', 'wrapping'];

/** `auth/<mount path>/login` or `auth/<mount path>/login/<anything>`, one leading "/" removed (rule d). */
const LOGIN_PATH = /^auth\/.+\/login(\/.*)?$/s;

export function isLoginPath(path: string): boolean {
  return LOGIN_PATH.test(path.startsWith('/') ? path.slice(1) : path);
}

/** The token's policy list: token_policies when non-empty, else policies, else [] (§5.2). */
export function policyListOf(auth: Record<string, unknown> | null): readonly string[] {
  if (auth === null) return NO_POLICIES;
  const tp = auth.token_policies;
  if (Array.isArray(tp) && tp.length > 0) return onlyStrings(tp);
  const p = auth.policies;
  if (Array.isArray(p)) return onlyStrings(p);
  return NO_POLICIES;
}

const NO_POLICIES: readonly string[] = Object.freeze([]);

/**
 * The list itself when it holds only strings (the usual case: an interned list stays shared). An
 * index loop: interned lists are frozen, and for-of over a frozen array allocated an iterator result
 * per element (~57 bytes a request on the bench log).
 */
function onlyStrings(list: unknown[]): readonly string[] {
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'string') return list.filter((x): x is string => typeof x === 'string');
  }
  return list as string[];
}

const isOnly = (policies: readonly string[], name: string): boolean => policies.length === 1 && policies[0] === name;

/** Rule e: exactly ["root"]; ["root","default"] is not root. */
export function isRootToken(policies: readonly string[]): boolean {
  return isOnly(policies, 'root');
}

/** Rule f: response-wrapping and control-group tokens (excluded since Vault 1.8). */
export function isWrappingToken(policies: readonly string[]): boolean {
  return isOnly(policies, 'response-wrapping') || isOnly(policies, 'control-group');
}

export interface RequestFacts {
  hasToken: boolean;
  error: string;
  policyDenied: boolean;
  path: string;
  policies: readonly string[];
}

/** Returns why a request entry is not countable under `profile`, or null when it counts. */
export function exclusionOf(f: RequestFacts, profile: VaultProfile): ExclusionReason | null {
  if (!f.hasToken) return 'no_token';
  if (profile === 'legacy-auditor') return null; // the retired auditor applied no exclusions (§14.1)
  if (f.error !== '') return 'error';
  if (f.policyDenied) return 'policy_denied';
  if (isLoginPath(f.path)) return 'login';
  // vault-1.8 predates the root exclusion: root tokens count as non-entity tokens there (§14.1).
  if (profile !== 'vault-1.8' && isRootToken(f.policies)) return 'root';
  if (isWrappingToken(f.policies)) return 'wrapping';
  return null;
}
