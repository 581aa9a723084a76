/**
 * Reference implementation of the counting rules used by the naive runner (spec/vault.md §5.2, §6):
 * a request is countable when it carries a token, has no error, is not policy-denied, is not a
 * login path and its token is not root / wrapping / control-group. The client is `auth.entity_id`,
 * else `request.client_id` (always logged by Vault 1.10+ on requests whose token resolves).
 *
 * Deliberately simple: this is the "what a careful person writes in an afternoon" baseline.
 */
type Obj = Record<string, unknown>;

const LOGIN_PATH = /^auth\/.+\/login(\/.*)?$/;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

function policyList(auth: Obj | undefined): unknown[] {
  const tp = auth?.['token_policies'];
  if (Array.isArray(tp) && tp.length > 0) return tp;
  const p = auth?.['policies'];
  return Array.isArray(p) ? p : [];
}

export interface Countable {
  id: string;
  entity: boolean;
}

/** The client of a countable request entry, or null when the entry does not count. */
export function countableClient(entry: unknown): Countable | null {
  const e = obj(entry);
  if (e === undefined || e['type'] !== 'request') return null;
  const auth = obj(e['auth']);
  const req = obj(e['request']);
  // a: token present
  if (!nonEmptyString(auth?.['client_token']) && !nonEmptyString(auth?.['accessor']) && !nonEmptyString(req?.['client_token'])) {
    return null;
  }
  // b: no error
  if (nonEmptyString(e['error'])) return null;
  // c: not denied
  if (obj(auth?.['policy_results'])?.['allowed'] === false) return null;
  // d: not a login path
  let p = req?.['path'];
  if (typeof p === 'string') {
    if (p.startsWith('/')) p = p.slice(1);
    if (LOGIN_PATH.test(p as string)) return null;
  }
  // e, f: not root / wrapping / control-group
  const pol = policyList(auth);
  if (pol.length === 1 && (pol[0] === 'root' || pol[0] === 'response-wrapping' || pol[0] === 'control-group')) return null;
  const entityId = auth?.['entity_id'];
  if (nonEmptyString(entityId)) return { id: entityId, entity: true };
  const clientId = req?.['client_id'];
  if (nonEmptyString(clientId)) return { id: clientId, entity: false };
  return null;
}

/** Same rules as a jq filter (for `jq -r FILTER FILE | sort -u | wc -l`). */
export const JQ_FILTER = [
  'select(.type == "request")',
  '| select(((.auth.client_token // "") != "") or ((.auth.accessor // "") != "") or ((.request.client_token // "") != ""))',
  '| select((.error // "") == "")',
  '| select(.auth.policy_results.allowed != false)',
  '| select((.request.path // "") | ltrimstr("/") | test("^auth/.+/login(/.*)?$") | not)',
  '| select((.auth.token_policies // []) as $tp | (if ($tp | length) > 0 then $tp else (.auth.policies // []) end)',
  '    | (. != ["root"] and . != ["response-wrapping"] and . != ["control-group"]))',
  '| (if (.auth.entity_id // "") != "" then .auth.entity_id else (.request.client_id // "") end)',
  '| select(. != "")',
].join('\n');
