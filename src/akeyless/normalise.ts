// Normalisation of Akeyless audit values (spec akeyless.md §5): access_type [A3] (§5.1), product
// [A4] (§5.2) and status (§5.3). Pure functions on strings; imports nothing.

/** §5.1 [A3]: login spellings and method-type spellings of one auth method map to one name. */
const ACCESS_TYPE_ALIASES: Readonly<Record<string, string>> = {
  access_key: 'api_key',
  api_key: 'api_key',
  password: 'email',
  email: 'email',
  saml2: 'saml',
  saml: 'saml',
  oauth2: 'oauth2',
  jwt: 'oauth2',
  'oauth2/jwt': 'oauth2',
  kubernetes: 'k8s',
  k8s: 'k8s',
  uid: 'universal_identity',
  universal_identity: 'universal_identity',
};

/** [A3] `access_type` as counted: trimmed, lowercased, aliases merged; missing → `unknown`. */
export function normaliseAccessTypeA3(raw: string | null): string {
  if (raw === null) return 'unknown';
  const t = raw.trim().toLowerCase();
  if (t === '') return 'unknown';
  // oidc, ldap, cert, aws_iam, azure_ad, gcp, kerberos, oci and unknown values pass through.
  return ACCESS_TYPE_ALIASES[t] ?? t;
}

const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  'secrets management': 'sm',
  'secure remote access': 'sra',
  'password management': 'pm',
};

/**
 * [A4] §5.2: display names become codes (`Secrets Management` → `sm`), compared after trimming,
 * collapsing inner whitespace and lowercasing; other values are lowercased and kept (`sm`, `dp`…).
 * Missing → null: the caller counts it under `unknown` and warns (missing-product).
 */
export function normaliseProductA4(raw: string | null): string | null {
  if (raw === null) return null;
  const p = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  if (p === '') return null;
  return PRODUCT_NAMES[p] ?? p;
}

export const UNKNOWN_PRODUCT = 'unknown';

export type StatusVerdict = 'ok' | 'failed' | 'invalid';

/**
 * §5.3 + [A2] test 1: a 2xx status passes; a status given as a number or a numeric string
 * (trimmed, digits only) outside 200-299 fails; a non-numeric status fails and is flagged
 * `invalid` (warning invalid-status). Without a status, the event passes unless it has an error.
 */
export function statusVerdictA2(status: unknown, hasError: boolean): StatusVerdict {
  if (status === undefined || status === null || status === '' || status === '-') return hasError ? 'failed' : 'ok';
  let code: number;
  if (typeof status === 'number') {
    if (!Number.isInteger(status)) return 'invalid';
    code = status;
  } else if (typeof status === 'string') {
    const s = status.trim();
    if (!/^\d+$/.test(s)) return s === '' || s === '-' ? (hasError ? 'failed' : 'ok') : 'invalid';
    code = Number(s);
  } else {
    return 'invalid';
  }
  return code >= 200 && code <= 299 ? 'ok' : 'failed';
}
