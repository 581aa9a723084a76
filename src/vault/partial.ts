// The compact, mergeable result a Vault collector hands back from a worker (plain data only).
// Requests are folded by "usage key" (everything that decides a request's client and attribution:
// entity, logged client id, policies, token, accessor, namespace, display name) and month, keeping
// the earliest use in processing order. Which client a usage belongs to can only be decided once
// every response has been seen (the token registry), so that happens in finish.ts.

import type { Order } from '../ingest/order.js';
import type { ExclusionReason } from './countable.js';
import type { Registration } from './registration.js';

export interface UsageFacts {
  entityId: string;
  /** request.client_id as logged ('' when absent). */
  loggedId: string;
  policies: readonly string[];
  authToken: string;
  reqToken: string;
  /** auth.accessor, else request.client_token_accessor. */
  accessor: string;
  nsId: string;
  nsPath: string;
  displayName: string;
}

export interface UsageMonth {
  month: number;
  order: Order;
  /** auth.token_issue_time of that first use in UTC seconds (registration.ts issueTimeUtc), or '' when absent or invalid. */
  tokenIssueTime: string;
}

/** Position of a request for warnings: task-relative line, made absolute in finish. */
export interface LineRef {
  order: Order;
  seq: number;
  lineNo: number;
}

export interface Usage {
  facts: UsageFacts;
  months: UsageMonth[];
  /** Countable requests folded into this usage (client-id consistency check). */
  requests: number;
  /** The earliest few requests, for the client-id-mismatch warning. */
  firstLines: LineRef[];
  /**
   * The month folded last (NaN: none yet) and the epoch ms of its earliest use: most requests of a
   * usage fall in that month after that use, and are then folded without a look at `months`.
   */
  lastMonth: number;
  lastMonthMs: number;
}

export type RequestStats = { countable: number; out_of_range: number } & Record<ExclusionReason, number>;

export function emptyRequestStats(): RequestStats {
  return { countable: 0, out_of_range: 0, no_token: 0, error: 0, policy_denied: 0, login: 0, root: 0, wrapping: 0 };
}

export interface OrderedRegistration extends Registration {
  order: Order;
}

export interface MountCandidate {
  nsId: string;
  mountPath: string;
  accessor: string;
  accessorOrder: Order | null;
  type: string;
  typeOrder: Order | null;
}

/** vault-1.6: a token counted at creation (§14.1). */
export interface Creation {
  /** Entity id, or the token key for token-keyed clients. */
  key: string;
  isEntity: boolean;
  /** Wrapping tokens attribute to the token mount of the request namespace. */
  isWrapping: boolean;
  month: number;
  order: Order;
  registration: Registration;
}

export interface VaultPartial {
  usages: Usage[];
  responseUsages: Usage[];
  requestEntries: number;
  requestStats: RequestStats;
  responseStats: RequestStats;
  tokens: [string, OrderedRegistration][];
  /**
   * A number is an index into `tokens`: the registration an accessor shares with its token is sent
   * once (a partial crosses threads as packed data, parallel/packed.ts, which keeps no identity).
   */
  accessors: [string, OrderedRegistration | number][];
  mounts: MountCandidate[];
  tokenMountAccessors: [string, { order: Order; accessor: string }][];
  accessorTokens: [string, { order: Order; token: string }][];
  kmip: [string, number[]][];
  kmipWithoutSerial: number;
  kmipResponses: [string, number[]][];
  kmipResponsesWithoutSerial: number;
  kmipRequestEntries: number;
  creations: Creation[];
  namespacesWithoutId: number;
  otherEntries: number;
  unhashedTokens: boolean;
  /** Earliest and latest entry time inside the range (any type), for legacy's "Date range". */
  firstInRange: Order | null;
  lastInRange: Order | null;
}
