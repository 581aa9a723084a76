// The parts of an Akeyless JSON event the count reads (fields.ts readFields and readJsonTime). JSON
// lines are parsed through this shape (ingest/json-projection.ts), so a key read anywhere in fields.ts
// must be listed here; test/akeyless/event-shape.test.ts checks that a full JSON.parse and the
// projection give the same fields and the same reports.

import type { Shape } from '../ingest/json-projection.js';

/** Keys read at the top level and again inside `request_parameters` (fields.ts `nested`). */
const NESTED_KEYS: Shape = {
  access_type: true,
  unique_id: true,
  product: true,
  comment: true,
  token_id: true,
  namespace: true,
  config_name: true,
  client_sub_claims: true,
};

export const AKEYLESS_EVENT_SHAPE: Shape = {
  timestamp: true,
  time: true,
  access_id: true,
  status: true,
  error: true,
  ...NESTED_KEYS,
  // An object, or a JSON string that fields.ts parses itself: a string is kept whole either way.
  request_parameters: { ...NESTED_KEYS },
};

/** Times differ on every line: decoded per line rather than interned (json-projection.ts perLine). */
export const AKEYLESS_PER_LINE: readonly (readonly string[])[] = [['timestamp'], ['time']];
