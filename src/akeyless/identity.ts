// Client identity of a counted Akeyless event (spec akeyless.md §6.2 [A3], §6.5 [A5]). A client is
// (product, identity tuple); tuples compare element-wise as strings, case-sensitively. Pure.

import { subClaim, type EventFields } from './fields.js';

/** Types whose unique identifier is required or recommended: warn when it is missing (§6.2). */
const UID_REQUIRED = new Set(['saml', 'oidc', 'oauth2', 'ldap', 'cert']);
/** Cloud/Kerberos methods: the unique identifier is optional, no warning. */
const UID_OPTIONAL = new Set(['aws_iam', 'azure_ad', 'gcp', 'kerberos']);
/** [A5] human methods merged across access ids by unique_id with --merge-humans. */
const HUMAN_TYPES = new Set(['saml', 'oidc', 'oauth2', 'ldap', 'email']);

/** Universal Identity child tokens extend their root token id; the root is 12 characters (P). */
export const UID_TOKEN_ROOT_LENGTH = 12;

export interface Identity {
  tuple: string[];
  /** A saml/oidc/oauth2/ldap/cert event without unique_id (warning `identity without unique identifier`). */
  missingUniqueId: boolean;
  /** The tuple is the [A5] `["human", unique_id]` form. */
  mergedHuman: boolean;
}

/** [A3] The identity tuple of an event with normalised access type `type` and access id `accessId`. */
export function identityTupleA3(type: string, accessId: string, f: EventFields): Identity {
  const plain = (tuple: string[], missingUniqueId = false): Identity => ({ tuple, missingUniqueId, mergedHuman: false });
  if (UID_REQUIRED.has(type)) {
    return f.uniqueId !== null ? plain([accessId, 'uid', f.uniqueId]) : plain([accessId], true);
  }
  if (UID_OPTIONAL.has(type)) {
    return plain(f.uniqueId !== null ? [accessId, 'uid', f.uniqueId] : [accessId]);
  }
  if (type === 'k8s') {
    // "Access_ID × Config × namespace": sub-claims first, then the fields; a missing part is "".
    const config = subClaim(f.subClaims, 'config_name') ?? f.configName ?? '';
    const namespace = subClaim(f.subClaims, 'namespace') ?? f.namespace ?? '';
    return plain([accessId, 'k8s', config, namespace]);
  }
  if (type === 'universal_identity') {
    // "Token / Comment": the comment wins; else the token's root id (child ids extend it).
    if (f.comment !== null) return plain([accessId, 'comment', f.comment]);
    if (f.tokenId !== null) return plain([accessId, 'token', f.tokenId.slice(0, UID_TOKEN_ROOT_LENGTH)]);
    return plain([accessId]);
  }
  // api_key, email, oci, unknown and any other type: the access id alone.
  return plain([accessId]);
}

/**
 * [A5] --merge-humans: human-method events with a unique_id become ["human", unique_id] regardless
 * of access id (exact, case-sensitive); everything else keeps its [A3] tuple.
 */
export function identityA5(type: string, accessId: string, f: EventFields, mergeHumans: boolean): Identity {
  if (mergeHumans && HUMAN_TYPES.has(type) && f.uniqueId !== null) {
    return { tuple: ['human', f.uniqueId], missingUniqueId: false, mergedHuman: true };
  }
  return identityTupleA3(type, accessId, f);
}

/** The ledger key of a client: product and tuple, unambiguous and reversible. */
export function clientKey(product: string, tuple: readonly string[]): string {
  return JSON.stringify([product, ...tuple]);
}

export function parseClientKey(key: string): { product: string; tuple: string[] } {
  const parts = JSON.parse(key) as string[];
  return { product: parts[0]!, tuple: parts.slice(1) };
}

/** §6.2 / §4.1: access ids look like `p-` + alphanumerics; others are counted but flagged. */
export function isWellFormedAccessId(accessId: string): boolean {
  return /^p-[A-Za-z0-9]+$/.test(accessId);
}
