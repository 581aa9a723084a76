// Client identity [V4] (spec vault.md §6). Pure functions, no I/O.

import { createHash } from 'node:crypto';

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Vault's non-entity client id (sdk/logical/token.go TokenEntry.CreateClientID, PR #12820/#12919):
 * SHA-256 over the policies sorted by UTF-8 bytes, joined by 0x7F, then 0x00 and the token's
 * namespace id (just the namespace id when there are no policies), as standard padded base64.
 * Vault sorts with Go's sort.Strings, i.e. by bytes, not JS UTF-16 order (spec §6.2 last vector);
 * for ASCII names the two orders agree, so those sort as strings, and the text is hashed in one
 * piece (a Buffer per policy and an update per piece were ~7 us per client of a cold finish).
 */
export function nonEntityClientId(policies: readonly string[], namespaceId: string): string {
  const sorted = policies.every((p) => ASCII.test(p))
    ? [...policies].sort()
    : policies.map((p) => Buffer.from(p, 'utf8')).sort(Buffer.compare).map((b) => b.toString('utf8'));
  const text = sorted.length > 0 ? sorted.join('\x7f') + '\x00' + namespaceId : namespaceId;
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * Id of a token-keyed client (profiles vault-1.8, vault-1.6, legacy-auditor, §14.1): `token-` and
 * the first 32 hex characters of SHA-256 over the key, so the token HMAC itself is never shown [B2].
 */
export function tokenClientId(key: string): string {
  return 'token-' + createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
}

/**
 * nonEntityClientId() per run, remembered by policy list and namespace. Policy lists are shared
 * arrays (the projector interns them, and a partial keeps them shared), so most of the usages of one
 * role hash once: the hashing was ~18 ms of a cold finish on the 1.1 GB bench log.
 */
export class NonEntityClientIds {
  private readonly byPolicies = new WeakMap<readonly string[], Map<string, string>>();

  of(policies: readonly string[], namespaceId: string): string {
    let byNs = this.byPolicies.get(policies);
    if (byNs === undefined) this.byPolicies.set(policies, (byNs = new Map()));
    let id = byNs.get(namespaceId);
    if (id === undefined) byNs.set(namespaceId, (id = nonEntityClientId(policies, namespaceId)));
    return id;
  }
}
