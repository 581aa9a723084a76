// The parts of a Vault audit entry the collector reads (collector.ts, countable.ts, namespace.ts,
// registration.ts). Lines are parsed through this shape (ingest/json-projection.ts), so a field read
// anywhere in the collector must be listed here; test/vault/entry-shape.test.ts checks that a full
// JSON.parse and the projection give the same counts on every fixture.

import type { Shape } from '../ingest/json-projection.js';

export const VAULT_ENTRY_SHAPE: Shape = {
  time: true,
  type: true,
  error: true,
  client_certificate_serial_number: true,
  auth: {
    client_token: true,
    accessor: true,
    entity_id: true,
    display_name: true,
    token_policies: true,
    policies: true,
    token_issue_time: true,
    policy_results: { allowed: true },
  },
  request: {
    namespace: { id: true, path: true },
    path: true,
    client_token: true,
    client_token_accessor: true,
    client_id: true,
    mount_point: true,
    mount_accessor: true,
    mount_type: true,
    client_certificate_serial_number: true,
  },
  response: {
    auth: { client_token: true, accessor: true, entity_id: true, token_issue_time: true },
    mount_accessor: true,
    mount_type: true,
    wrap_info: { token: true },
  },
};

/**
 * Paths of VAULT_ENTRY_SHAPE decoded per line rather than interned by the projector: `time` differs
 * on every line and request paths on about a third of requests (measured on the bench log), so
 * interning them would only churn the projector's store. A token's issue time is interned for
 * nothing: the collector stores it only with a usage's month or a registration (as a copy: see
 * registration.ts issueTimeUtc), and as an interned value it was one more cold lookup in the store
 * per request.
 */
export const VAULT_PER_LINE: readonly (readonly string[])[] = [
  ['time'], ['request', 'path'], ['auth', 'token_issue_time'], ['response', 'auth', 'token_issue_time'],
];

/** The entry's time (§3.5), which the projector parses as parseEventTime does (ProjectorOptions.time). */
export const VAULT_TIME: readonly string[] = ['time'];
