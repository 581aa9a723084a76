// [V2] which entries decide (spec vault.md §5.1) and [V3] countable requests (§5.2, rules a-f).
import { describe, it, expect } from 'vitest';
import { exclusionOf, isLoginPath, policyListOf, type RequestFacts } from '../../src/vault/countable.js';
import { run, req, resp, login, counts, excluded } from '../support/vault.js';

const T = (s: number) => `2024-05-06T10:00:${String(s).padStart(2, '0')}Z`;
const KV = ['default', 'kv-read'];
const KV_ID = '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM=';

describe('V2 only request entries decide', () => {
  it('V2 a response entry never counts a client while requests exist', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', policies: KV, displayName: 'token' }),
      // a use of another token seen only on a response (top-level auth): not counted
      resp({ time: T(2), path: 'secret/data/x', auth: { client_token: 'hmac-sha256:b', token_policies: ['other'], entity_id: 'E-resp-only' } }),
    ]);
    expect(r.report.total).toEqual(counts(1, 0, 1));
    expect(r.clients.map((c) => c.client_id)).toEqual([KV_ID]);
    expect(r.report.rules.response_only).toBe(false);
    expect(r.report.warnings).toEqual([]);
  });

  it('V2 response-only mode: counts from responses, applies §5.2 unchanged, warns, sets rules.response_only', async () => {
    const r = await run([
      login({ time: T(1), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', entity: 'E1', user: 'alice', mountAccessor: 'auth_userpass_1' }),
      // response of the login: top-level auth = the new token, path is a login path -> excluded login
      { ...resp({ time: T(2), path: 'auth/userpass/login/alice' }), auth: { client_token: 'hmac-sha256:t1', entity_id: 'E1' } },
      resp({ time: T(3), path: 'secret/data/app', auth: { client_token: 'hmac-sha256:t1', entity_id: 'E1', token_policies: ['default'] } }),
      resp({ time: T(4), path: 'secret/data/gone', error: '1 error occurred:\n\t* 404\n\n', auth: { client_token: 'hmac-sha256:t9', entity_id: 'E9' } }),
      resp({ time: T(5), path: 'secret/data/app', auth: { client_token: 'hmac-sha256:t2', token_policies: KV, display_name: 'token' } }),
    ]);
    expect(r.report.rules.response_only).toBe(true);
    expect(r.report.warnings).toContain('response-only: no request entries found; clients counted from response entries');
    expect(r.report.total).toEqual(counts(2, 1, 1));
    // the login response itself (no top-level auth) -> no_token; its twin with top-level auth -> login
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ no_token: 1, login: 1, error: 1 }) });
    const e1 = r.clients.find((c) => c.client_id === 'E1');
    expect(e1).toMatchObject({ client_type: 'entity', mount_path: 'auth/userpass/', mount_type: 'userpass', mount_accessor: 'auth_userpass_1' });
    expect(r.clients.find((c) => c.client_id === KV_ID)).toMatchObject({ mount_path: 'auth/token/', mount_type: 'token' });
  });

  it('V2 a single request entry anywhere turns response-only mode off', async () => {
    const r = await run([
      resp({ time: T(1), path: 'secret/data/app', auth: { client_token: 'hmac-sha256:t1', entity_id: 'E1' } }),
      req({ time: T(2), path: 'sys/health' }),
    ]);
    expect(r.report.rules.response_only).toBe(false);
    expect(r.report.total).toEqual(counts(0, 0, 0));
    expect(r.report.inputs.requests.excluded.no_token).toBe(1);
  });
});

describe('V3 rule functions', () => {
  it('V3 login path regex ^auth/.+/login(/.*)?$ after removing one leading /', () => {
    const yes = ['auth/userpass/login', 'auth/userpass/login/alice', '/auth/userpass/login/alice', 'auth/ldap/corp/login/bob',
      'auth/approle/login', 'auth/a/b/c/login', 'auth/x/login/', 'auth/userpass/users/login', 'auth/oidc/login/x/y'];
    const no = ['auth/login', 'auth/userpass/loginx', 'auth/userpass/login-alice', 'secret/auth/x/login', '//auth/x/login',
      'auth/token/lookup-self', 'auth/oidc/oidc/callback', 'sys/auth/userpass/login2', 'auth//login-x', ''];
    for (const p of yes) expect([p, isLoginPath(p)]).toEqual([p, true]);
    for (const p of no) expect([p, isLoginPath(p)]).toEqual([p, false]);
  });

  it('V3 policy list: token_policies when non-empty, else policies, else []', () => {
    expect(policyListOf({ token_policies: ['a'], policies: ['b'] })).toEqual(['a']);
    expect(policyListOf({ token_policies: [], policies: ['root'] })).toEqual(['root']);
    expect(policyListOf({ policies: ['b'] })).toEqual(['b']);
    expect(policyListOf({})).toEqual([]);
    expect(policyListOf(null)).toEqual([]);
  });

  const base: RequestFacts = { hasToken: true, error: '', policyDenied: false, path: 'secret/data/x', policies: ['default'] };
  it('V3 order of reasons: the first failing condition names the exclusion', () => {
    const all: RequestFacts = { hasToken: false, error: 'permission denied', policyDenied: true, path: 'auth/u/login', policies: ['root'] };
    expect(exclusionOf(all, 'current')).toBe('no_token');
    expect(exclusionOf({ ...all, hasToken: true }, 'current')).toBe('error');
    expect(exclusionOf({ ...all, hasToken: true, error: '' }, 'current')).toBe('policy_denied');
    expect(exclusionOf({ ...all, hasToken: true, error: '', policyDenied: false }, 'current')).toBe('login');
    expect(exclusionOf({ ...base, policies: ['root'] }, 'current')).toBe('root');
    expect(exclusionOf({ ...base, policies: ['response-wrapping'] }, 'current')).toBe('wrapping');
    expect(exclusionOf({ ...base, policies: ['control-group'] }, 'current')).toBe('wrapping');
    expect(exclusionOf(base, 'current')).toBeNull();
  });

  it('V3 "exactly" means a one-element list', () => {
    for (const p of [['root', 'default'], ['default', 'root'], ['response-wrapping', 'default'], ['control-group', 'x'], ['ROOT'], []]) {
      expect(exclusionOf({ ...base, policies: p }, 'current')).toBeNull();
    }
  });
});

describe('V3 countable requests end to end (a-f)', () => {
  it('V3 a: token = non-empty auth.client_token, or auth.accessor, or request.client_token', async () => {
    const r = await run([
      req({ time: T(1), auth: { token_type: 'default' } }),                       // no token
      req({ time: T(2), token: '' }),                                             // empty = no token
      req({ time: T(3), token: 'hmac-sha256:a', policies: ['pa'], displayName: 'token' }),
      req({ time: T(4), accessor: 'hmac-sha256:acc', policies: ['pb'], displayName: 'token' }),
      req({ time: T(5), reqToken: 'hmac-sha256:rt', policies: ['pc'], displayName: 'token' }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 3, out_of_range: 0, excluded: excluded({ no_token: 2 }) });
    expect(r.report.total).toEqual(counts(3, 0, 3));
  });

  it('V3 a: request.client_token_accessor alone is not a token (no_token)', async () => {
    const r = await run([req({ time: T(1), reqAccessor: 'hmac-sha256:ra', policies: ['pd'], displayName: 'token' })]);
    expect(r.report.inputs.requests).toEqual({ countable: 0, out_of_range: 0, excluded: excluded({ no_token: 1 }) });
    expect(r.report.total).toEqual(counts(0, 0, 0));
  });

  it('V3 b: a non-empty top-level error excludes; error "" passes', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', entity: 'E1', error: '1 error occurred:\n\t* permission denied\n\n' }),
      req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', error: '' }),
      req({ time: T(3), token: 'hmac-sha256:c', entity: 'E3', extra: { error: null } }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ error: 1 }) });
    expect(r.clients.map((c) => c.client_id)).toEqual(['E2', 'E3']);
  });

  it('V3 c: policy_results.allowed false excludes; true or absent passes', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', entity: 'E1', allowed: false }),
      req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', allowed: true }),
      req({ time: T(3), token: 'hmac-sha256:c', entity: 'E3' }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ policy_denied: 1 }) });
    expect(r.clients.map((c) => c.client_id)).toEqual(['E2', 'E3']);
  });

  it('V3 d: login requests never count, even with a token (leading slash and nested mounts included)', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', entity: 'E1', path: 'auth/userpass/login/alice' }),
      req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', path: '/auth/approle/login' }),
      req({ time: T(3), token: 'hmac-sha256:c', entity: 'E3', path: 'auth/ldap/corp/login/bob' }),
      req({ time: T(4), token: 'hmac-sha256:d', entity: 'E4', path: 'auth/token/lookup-self' }),
      req({ time: T(5), token: 'hmac-sha256:e', entity: 'E5', path: 'auth/userpass/loginx' }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ login: 3 }) });
    expect(r.clients.map((c) => c.client_id)).toEqual(['E4', 'E5']);
  });

  it('V3 e: exactly ["root"] is root; ["root","default"] counts; token_policies take precedence', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', policies: ['root'], displayName: 'root' }),
      req({ time: T(2), token: 'hmac-sha256:b', policies: [], authPolicies: ['root'], displayName: 'root' }),
      req({ time: T(3), token: 'hmac-sha256:c', policies: ['root', 'default'], displayName: 'token' }),
      req({ time: T(4), token: 'hmac-sha256:d', policies: ['default'], authPolicies: ['root'], displayName: 'token' }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ root: 2 }) });
    expect(r.report.total).toEqual(counts(2, 0, 2));
  });

  it('V3 e: an entity token with policy list ["root"] is excluded as root too', async () => {
    const r = await run([req({ time: T(1), token: 'hmac-sha256:a', policies: ['root'], entity: 'E1' })]);
    expect(r.report.inputs.requests.excluded.root).toBe(1);
    expect(r.report.total).toEqual(counts(0, 0, 0));
  });

  it('V3 f: response-wrapping and control-group tokens are excluded; with other policies they count', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', policies: ['response-wrapping'], path: 'sys/wrapping/unwrap' }),
      req({ time: T(2), token: 'hmac-sha256:b', policies: ['control-group'] }),
      req({ time: T(3), token: 'hmac-sha256:c', authPolicies: ['response-wrapping'] }),
      req({ time: T(4), token: 'hmac-sha256:d', policies: ['response-wrapping', 'default'], displayName: 'token' }),
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 1, out_of_range: 0, excluded: excluded({ wrapping: 3 }) });
  });

  it('V3 reason order end to end: no_token > error > policy_denied > login > root', async () => {
    const r = await run([
      req({ time: T(1), error: 'x', allowed: false, path: 'auth/u/login', policies: ['root'] }),
      req({ time: T(2), token: 'hmac-sha256:a', error: 'x', allowed: false, path: 'auth/u/login', policies: ['root'] }),
      req({ time: T(3), token: 'hmac-sha256:a', allowed: false, path: 'auth/u/login', policies: ['root'] }),
      req({ time: T(4), token: 'hmac-sha256:a', path: 'auth/u/login', policies: ['root'] }),
      req({ time: T(5), token: 'hmac-sha256:a', policies: ['root'] }),
    ]);
    expect(r.report.inputs.requests.excluded).toEqual({ no_token: 1, error: 1, policy_denied: 1, login: 1, root: 1, wrapping: 0 });
    expect(r.report.inputs.requests.countable).toBe(0);
  });

  it('V3 a logged request.client_id does not make an excluded request count', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:r', policies: ['root'], clientId: 'ROOT-ID' }),
      req({ time: T(2), token: 'hmac-sha256:w', policies: ['response-wrapping'], clientId: 'rWML+2xGX2RJUpB3xHagF8KeTWTAmWcNtQxfM8tzpH8=' }),
      req({ time: T(3), token: 'hmac-sha256:d', entity: 'E1', clientId: 'E1', allowed: false }),
      req({ time: T(4), token: 'hmac-sha256:l', entity: 'E2', clientId: 'E2', path: 'auth/userpass/login/x' }),
    ]);
    expect(r.report.total).toEqual(counts(0, 0, 0));
    expect(r.clients).toEqual([]);
  });

  it('V3 everything else counts: help operations without request.id, batch tokens, any mount and namespace', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', entity: 'E1', path: 'secret/data/x', extra: {} }),
      { ...req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', path: 'sys/mounts' }), request: { operation: 'help', path: 'sys/mounts', namespace: { id: 'root' } } },
      req({ time: T(3), token: 'hmac-sha256:c', entity: 'E3', path: 'pki/issue/x', auth: { token_type: 'batch' } }),
      req({ time: T(4), token: 'hmac-sha256:d', entity: 'E4', path: 'transit/encrypt/k', ns: { id: 'n1', path: 'team/' } }),
    ]);
    expect(r.report.inputs.requests.countable).toBe(4);
    expect(r.report.total).toEqual(counts(4, 4, 0));
  });
});
