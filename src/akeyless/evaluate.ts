// The counting decision for one Akeyless event (spec akeyless.md §6.1 [A2], §5, §6.2 [A3], §6.5
// [A5]): excluded (first failing test wins: out_of_range, status, no_access_id) or counted with its
// product, access type, access id and identity. Pure; the collector does the bookkeeping.

import type { EventFields } from './fields.js';
import { identityA5, isWellFormedAccessId, type Identity } from './identity.js';
import { normaliseAccessTypeA3, normaliseProductA4, statusVerdictA2, UNKNOWN_PRODUCT } from './normalise.js';

export type Evaluation =
  | { outcome: 'out_of_range' }
  | { outcome: 'status'; invalidStatus: boolean }
  | { outcome: 'no_access_id'; invalidStatus: false }
  | {
      outcome: 'counted';
      product: string;
      productMissing: boolean;
      accessType: string;
      accessId: string;
      identity: Identity;
      /** Not `p-` + alphanumerics: still counted (the id is what Akeyless bills on), but warned. */
      suspiciousAccessId: boolean;
    };

export function evaluateEventA2(f: EventFields, inRange: boolean, mergeHumans: boolean): Evaluation {
  if (!inRange) return { outcome: 'out_of_range' };
  const verdict = statusVerdictA2(f.status, f.hasError);
  if (verdict !== 'ok') return { outcome: 'status', invalidStatus: verdict === 'invalid' };
  if (f.accessId === null) return { outcome: 'no_access_id', invalidStatus: false };
  const product = normaliseProductA4(f.product);
  const accessType = normaliseAccessTypeA3(f.accessType);
  return {
    outcome: 'counted',
    product: product ?? UNKNOWN_PRODUCT,
    productMissing: product === null,
    accessType,
    accessId: f.accessId,
    identity: identityA5(accessType, f.accessId, f, mergeHumans),
    suspiciousAccessId: !isWellFormedAccessId(f.accessId),
  };
}
