// The collector's partial result (structured-cloneable plain data: arrays and plain objects only,
// no Maps or classes, so it crosses worker_threads) and the merge rules finish.ts applies:
// counters add, every "first" keeps the earliest Order (spec vault.md §3.5 processing order), every
// "last" the latest. Identical whatever the split of files into tasks.

import type { Order } from '../ingest/order.js';

/** Event-level warnings, placed in the report by the Order of their first occurrence. */
export const EVENT_WARNINGS = [
  'identity-without-unique-id',
  'missing-product',
  'invalid-status',
  'naive-timestamp',
  'suspicious-access-id',
] as const;
export type EventWarning = (typeof EVENT_WARNINGS)[number];

export interface Counters {
  events: number;
  counted: number;
  outOfRange: number;
  excludedStatus: number;
  noAccessId: number;
  invalidStatus: number;
  naiveTimestamp: number;
  missingProduct: number;
  missingUniqueId: number;
  suspiciousAccessId: number;
}

export function emptyCounters(): Counters {
  return {
    events: 0, counted: 0, outOfRange: 0, excludedStatus: 0, noAccessId: 0,
    invalidStatus: 0, naiveTimestamp: 0, missingProduct: 0, missingUniqueId: 0, suspiciousAccessId: 0,
  };
}

/** One client-month: the client's earliest counted event of the month and its attribution. */
export type MonthObservation = [month: number, order: Order, accessType: string, accessId: string];

export interface ClientPartial {
  /** identity.ts clientKey(product, tuple). */
  key: string;
  /** Latest counted event of the client (clients: last_seen). */
  last: Order;
  months: MonthObservation[];
}

export interface AkeylessPartial {
  counters: Counters;
  /** Earliest Order of each event-level warning's cause. */
  firsts: [EventWarning, Order][];
  /** Access ids with counted saml/oidc/oauth2/ldap/cert events lacking unique_id, first Order. */
  missingUidAccessIds: [accessId: string, first: Order][];
  /** Normalised access types per access id over counted events, first Order each (§6.4). */
  accessTypes: [accessId: string, accessType: string, first: Order][];
  /** JSON and text events per file index: inputs.files[].format (§3.1). */
  formats: [fileIndex: number, json: number, text: number][];
  clients: ClientPartial[];
}
