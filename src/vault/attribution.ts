// Token namespace and mount attribution [V5] [V6] [V7] (spec vault.md §7). Given the merged token
// registry, decides for one usage which namespace and auth mount its client is attributed to.
// Pure: the registry is data, built by finish.ts from every collector's partial.

import type { Namespace } from './namespace.js';
import type { OrderedRegistration, UsageFacts } from './partial.js';
import { TOKEN_MOUNT_PATH, UNKNOWN_MOUNT } from './registration.js';

export type AttributionSource = 'issuer' | 'display_name' | 'token_mount' | 'unknown';

export interface Attribution {
  ns: Namespace;
  mountPath: string;
  mountAccessor: string;
  /** Without trailing slash; '' when unknown. */
  mountType: string;
  source: AttributionSource;
  /** Registry issue time (UTC seconds) when joined, else ''. */
  issueTime: string;
}

export interface CandidateMount {
  mountPath: string;
  /** mount_path without `auth/` and trailing `/`, with `/` replaced by `-` (§7.3 step 3). */
  label: string;
  accessor: string;
  type: string;
}

export interface Registry {
  tokens: Map<string, OrderedRegistration>;
  accessors: Map<string, OrderedRegistration>;
  /** Candidate auth mounts per namespace id, excluding the token mount and underivable paths. */
  candidates: Map<string, CandidateMount[]>;
  /** Learned token-mount accessor per namespace id (§7.4). */
  tokenMountAccessors: Map<string, string>;
}

/** The registration a request's token joins to: token HMAC, then request.client_token, then accessor. */
export function joinRegistration(f: UsageFacts, reg: Registry): OrderedRegistration | undefined {
  return (f.authToken !== '' ? reg.tokens.get(f.authToken) : undefined)
    ?? (f.reqToken !== '' ? reg.tokens.get(f.reqToken) : undefined)
    ?? (f.accessor !== '' ? reg.accessors.get(f.accessor) : undefined);
}

export function tokenMountAttribution(ns: Namespace, reg: Registry, source: AttributionSource, issueTime: string, accessor = ''): Attribution {
  return {
    ns, mountPath: TOKEN_MOUNT_PATH,
    mountAccessor: accessor || (reg.tokenMountAccessors.get(ns.id) ?? ''),
    mountType: ns.id === 'root' ? 'token' : 'ns_token',
    source, issueTime,
  };
}

/** Attribution of a registration itself (issuer), used by joins and by vault-1.6 creations. */
export function issuerAttribution(r: OrderedRegistration | Omit<OrderedRegistration, 'order'>, reg: Registry): Attribution {
  const ns = { id: r.nsId, path: r.nsPath };
  if (r.tokenStore) {
    return { ...tokenMountAttribution(ns, reg, 'issuer', r.issueTime, r.mountAccessor), mountType: r.mountType };
  }
  if (r.mountPath === null) {
    return { ns, mountPath: UNKNOWN_MOUNT, mountAccessor: '', mountType: '', source: 'issuer', issueTime: r.issueTime };
  }
  return { ns, mountPath: r.mountPath, mountAccessor: r.mountAccessor, mountType: r.mountType, source: 'issuer', issueTime: r.issueTime };
}

/** §7.3 step 3: longest candidate label that the display name equals or starts with plus "-". */
export function matchDisplayName(displayName: string, candidates: readonly CandidateMount[]): CandidateMount | null {
  let best: CandidateMount | null = null;
  for (const c of candidates) {
    if (c.label === '' || !(displayName === c.label || displayName.startsWith(c.label + '-'))) continue;
    if (best === null || c.label.length > best.label.length ||
      (c.label.length === best.label.length && c.mountPath < best.mountPath)) best = c;
  }
  return best;
}

export function attribute(f: UsageFacts, reg: Registry): Attribution {
  const joined = joinRegistration(f, reg);
  if (joined !== undefined) return issuerAttribution(joined, reg);
  // §7.3: no issuing response in the inputs.
  const ns = { id: f.nsId, path: f.nsPath };
  const dn = f.displayName;
  if (dn === 'token' || dn.startsWith('token-')) return tokenMountAttribution(ns, reg, 'token_mount', '');
  const match = matchDisplayName(dn, reg.candidates.get(ns.id) ?? []);
  if (match !== null) {
    return { ns, mountPath: match.mountPath, mountAccessor: match.accessor, mountType: match.type, source: 'display_name', issueTime: '' };
  }
  return { ns, mountPath: UNKNOWN_MOUNT, mountAccessor: '', mountType: '', source: 'unknown', issueTime: '' };
}

export function candidateLabel(mountPath: string): string {
  let m = mountPath.startsWith('auth/') ? mountPath.slice(5) : mountPath;
  if (m.endsWith('/')) m = m.slice(0, -1);
  return m.replace(/\//g, '-');
}
