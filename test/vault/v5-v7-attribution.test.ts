// [V5] token namespace (spec vault.md §7.1), [V6] token registry (§7.2), [V7] fallback attribution
// (§7.3) and the learned token-mount accessor (§7.4).
import { describe, it, expect } from 'vitest';
import { normaliseNamespace } from '../../src/vault/namespace.js';
import { isIssuingPath, isTokenCreatePath, issuingMountPath } from '../../src/vault/registration.js';
import { matchDisplayName, candidateLabel, type CandidateMount } from '../../src/vault/attribution.js';
import { run, req, resp, login, counts, mountsOf } from '../support/vault.js';

const T = (s: number) => `2024-05-06T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z`;
const NS1 = { id: 'aBcD1', path: 'ns1/' };
const NS_APP_ID = 'wkGbA8pJqqExzeMfdE0azFx6gRJh7g37beLwz5GO3Ec='; // ["default","ns-app"] in aBcD1
const KV_ID = '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM='; // ["default","kv-read"] in root
const UNKNOWN = 'unknown (token issued before the logs)';
const attr = (c: any) => [c.client_id, c.namespace_id, c.namespace_path, c.mount_path, c.mount_type, c.mount_accessor];

describe('V5 namespace normalisation', () => {
  it('V5 absent, {}, null, wrong type, id root -> root ("root", "")', () => {
    for (const raw of [undefined, null, {}, 'ns1/', 5, [], { id: 'root' }, { id: 'root', path: '' }, { id: 'root', path: 'x/' }, { id: '', path: '' }]) {
      expect(normaliseNamespace(raw)).toEqual({ id: 'root', path: '', withoutId: false });
    }
  });

  it('V5 a non-empty path gets a trailing /; path without id becomes the id', () => {
    expect(normaliseNamespace({ id: 'aBcD1', path: 'ns1' })).toEqual({ id: 'aBcD1', path: 'ns1/', withoutId: false });
    expect(normaliseNamespace({ id: 'aBcD1', path: 'ns1/' })).toEqual({ id: 'aBcD1', path: 'ns1/', withoutId: false });
    expect(normaliseNamespace({ path: 'ns1/ns2' })).toEqual({ id: 'ns1/ns2/', path: 'ns1/ns2/', withoutId: true });
    expect(normaliseNamespace({ id: 5, path: 'p/' })).toEqual({ id: 'p/', path: 'p/', withoutId: true });
  });

  it('V5 namespace: {} and missing namespace are root in the report', async () => {
    const r = await run([
      { ...req({ time: T(1), token: 'hmac-sha256:a', entity: 'E1' }), request: { path: 'secret/x' } },
      req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', ns: {} }),
      req({ time: T(3), token: 'hmac-sha256:c', entity: 'E3', ns: null }),
    ]);
    expect(r.report.by_namespace.map((n: any) => [n.namespace_id, n.namespace_path, n.counts.clients])).toEqual([['root', '', 3]]);
  });

  it('V5 path without id: the path is the id, one namespace-without-id warning with the entry count', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:a', policies: ['default', 'ns-app'], displayName: 'token', ns: { path: 'ns1/' } }),
      req({ time: T(2), token: 'hmac-sha256:b', entity: 'E2', displayName: 'token', ns: { path: 'ns1' } }),
    ]);
    expect(r.report.warnings).toEqual(['namespace-without-id: 2 entries']);
    expect(r.report.by_namespace.map((n: any) => [n.namespace_id, n.namespace_path, n.counts.clients])).toEqual([['ns1/', 'ns1/', 2]]);
    // the computed id hashes the namespace id, which is the path here
    expect(r.clients[0].client_id).not.toBe(NS_APP_ID);
    expect(r.clients[0].namespace_id).toBe('ns1/');
  });

  it('V5 token namespace comes from the issuing response, not the request namespace (token of ns1/ used in ns1/ns2/)', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/token/create', token: 'hmac-sha256:t1', accessor: 'hmac-sha256:a1', policies: ['default', 'ns-app'], ns: NS1, mountType: 'ns_token', mountAccessor: 'auth_ns_token_77' }),
      req({ time: T(2), token: 'hmac-sha256:t1', policies: ['default', 'ns-app'], displayName: 'token', ns: { id: 'xYz9', path: 'ns1/ns2/' } }),
    ]);
    expect(r.clients.map(attr)).toEqual([[NS_APP_ID, 'aBcD1', 'ns1/', 'auth/token/', 'ns_token', 'auth_ns_token_77']]);
    expect(r.report.by_namespace.map((n: any) => n.namespace_id)).toEqual(['aBcD1']);
  });

  it('V5 without an issuing response the request namespace is the token namespace (pre-1.9 logs, id computed)', async () => {
    const r = await run([req({ time: T(1), token: 'hmac-sha256:t1', policies: ['default', 'ns-app'], displayName: 'token-nomad', ns: NS1 })]);
    expect(r.clients.map(attr)).toEqual([[NS_APP_ID, 'aBcD1', 'ns1/', 'auth/token/', 'ns_token', '']]);
  });
});

describe('V6 token registry: which responses issue a token', () => {
  it('V6 issuing paths: token-store create paths and auth/ paths outside auth/token/', () => {
    for (const p of ['auth/token/create', 'auth/token/create-orphan', 'auth/token/create/nomad', '/auth/token/create']) {
      expect([p, isTokenCreatePath(p), isIssuingPath(p)]).toEqual([p, true, true]);
    }
    for (const p of ['auth/userpass/login/alice', 'auth/oidc/oidc/callback', 'auth/cert/login', 'auth/approle/login', 'auth/jwt/login']) {
      expect([p, isTokenCreatePath(p), isIssuingPath(p)]).toEqual([p, false, true]);
    }
    for (const p of ['auth/token/renew', 'auth/token/renew-self', 'auth/token/renew-accessor', 'auth/token/lookup-self', 'auth/token/lookup',
      'auth/token/create-orphanx', 'auth/token/createx', 'sys/wrapping/unwrap', 'secret/data/x']) {
      expect([p, isIssuingPath(p)]).toEqual([p, false]);
    }
  });

  it('V6 issuing mount path: mount_point (namespace path removed, / ensured), else from request.path', () => {
    expect(issuingMountPath('auth/userpass/', 'auth/userpass/login/a', { id: 'root', path: '' })).toBe('auth/userpass/');
    expect(issuingMountPath('ns1/auth/userpass', 'auth/userpass/login/a', NS1)).toBe('auth/userpass/');
    expect(issuingMountPath('', 'auth/corp/ldap/login/bob', { id: 'root', path: '' })).toBe('auth/corp/ldap/');
    expect(issuingMountPath('', 'auth/oidc/oidc/callback', { id: 'root', path: '' })).toBe('auth/oidc/');
    expect(issuingMountPath('', 'auth/weird', { id: 'root', path: '' })).toBeNull();
  });

  it('V6 a login response registers token and accessor with namespace, mount, accessor, type, issue time', async () => {
    const r = await run([
      login({ time: T(1), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', accessor: 'hmac-sha256:a1', entity: 'E1', mountAccessor: 'auth_userpass_1', issueTime: '2024-05-06T10:00:01Z', user: 'alice' }),
      req({ time: T(2), token: 'hmac-sha256:t1', entity: 'E1', displayName: 'something-else' }),
    ]);
    expect(r.report.inputs.tokens_registered).toBe(1);
    expect(r.clients).toEqual([{
      client_id: 'E1', client_type: 'entity', namespace_id: 'root', namespace_path: '', mount_accessor: 'auth_userpass_1',
      mount_path: 'auth/userpass/', mount_type: 'userpass', token_creation_time: '2024-05-06T10:00:01Z', client_first_usage_time: '2024-05-06T10:00:02Z',
    }]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 1, display_name: 0, token_mount: 0, unknown: 0 });
  });

  it('V6 OIDC callback issues a token (mount from path: auth/oidc/); accessor/type fall back to response.mount_*', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/oidc/oidc/callback', token: 'hmac-sha256:t1', entity: 'E1', respMountType: 'oidc', respMountAccessor: 'auth_oidc_9' }),
      req({ time: T(2), token: 'hmac-sha256:t1', entity: 'E1' }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'root', '', 'auth/oidc/', 'oidc', 'auth_oidc_9']]);
    // issue time = entry time truncated to seconds when token_issue_time is absent
    expect(r.clients[0].token_creation_time).toBe('2024-05-06T10:00:01Z');
  });

  it('V6 issue time without token_issue_time is the response time truncated to seconds', async () => {
    const r = await run([
      resp({ time: '2024-05-06T10:00:01.987654321Z', path: 'auth/approle/login', token: 'hmac-sha256:t1', entity: 'E1', mountPoint: 'auth/approle/', mountType: 'approle' }),
      req({ time: T(5), token: 'hmac-sha256:t1', entity: 'E1' }),
    ]);
    expect(r.clients[0].token_creation_time).toBe('2024-05-06T10:00:01Z');
  });

  it('V6 token create / create-orphan / create/<role>: token mount of that namespace', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/token/create', token: 'hmac-sha256:t1', policies: ['p1'], mountType: 'token', mountAccessor: 'auth_token_root' }),
      resp({ time: T(2), path: 'auth/token/create-orphan', token: 'hmac-sha256:t2', policies: ['p2'] }),
      resp({ time: T(3), path: 'auth/token/create/nomad', token: 'hmac-sha256:t3', policies: ['p3'], ns: NS1 }),
      req({ time: T(10), token: 'hmac-sha256:t1', policies: ['p1'], displayName: 'x' }),
      req({ time: T(11), token: 'hmac-sha256:t2', policies: ['p2'], displayName: 'x' }),
      req({ time: T(12), token: 'hmac-sha256:t3', policies: ['p3'], displayName: 'x', ns: NS1 }),
    ]);
    expect(r.report.inputs.tokens_registered).toBe(3);
    expect(r.clients.map((c) => [c.namespace_id, c.mount_path, c.mount_type, c.mount_accessor])).toEqual([
      ['root', 'auth/token/', 'token', 'auth_token_root'],
      // no mount_accessor logged: learned token-mount accessor of root (§7.4, from the first response)
      ['root', 'auth/token/', 'token', 'auth_token_root'],
      ['aBcD1', 'auth/token/', 'ns_token', ''],
    ]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 3, display_name: 0, token_mount: 0, unknown: 0 });
  });

  it('V6 renew, renew-self, renew-accessor and lookup responses do NOT register a token', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/token/renew-self', token: 'hmac-sha256:t1', entity: 'E1', mountPoint: 'auth/token/', mountType: 'token' }),
      resp({ time: T(2), path: 'auth/token/renew', token: 'hmac-sha256:t2', entity: 'E2', mountPoint: 'auth/token/', mountType: 'token' }),
      resp({ time: T(3), path: 'auth/token/renew-accessor', token: 'hmac-sha256:t3', entity: 'E3' }),
      resp({ time: T(4), path: 'auth/token/lookup-self', token: 'hmac-sha256:t4', entity: 'E4' }),
      req({ time: T(10), token: 'hmac-sha256:t1', entity: 'E1', displayName: 'approle' }),
      req({ time: T(11), token: 'hmac-sha256:t2', entity: 'E2', displayName: 'approle' }),
      req({ time: T(12), token: 'hmac-sha256:t3', entity: 'E3', displayName: 'approle' }),
      req({ time: T(13), token: 'hmac-sha256:t4', entity: 'E4', displayName: 'approle' }),
    ]);
    expect(r.report.inputs.tokens_registered).toBe(0);
    expect(r.clients.map((c) => c.mount_path)).toEqual([UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 0, display_name: 0, token_mount: 0, unknown: 4 });
  });

  it('V6 a renewal after the login changes nothing (earliest registration wins)', async () => {
    const r = await run([
      login({ time: T(1), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', entity: 'E1', mountAccessor: 'auth_userpass_1', issueTime: T(1) }),
      resp({ time: T(5), path: 'auth/token/renew-self', token: 'hmac-sha256:t1', entity: 'E1', mountPoint: 'auth/token/', mountType: 'token', mountAccessor: 'auth_token_1', issueTime: T(5) }),
      req({ time: T(6), token: 'hmac-sha256:t1', entity: 'E1' }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'root', '', 'auth/userpass/', 'userpass', 'auth_userpass_1']]);
    expect(r.clients[0].token_creation_time).toBe(T(1));
    expect(r.report.inputs.tokens_registered).toBe(1);
  });

  it('V6 the same token registered twice: the earliest by processing order wins, not the first in the file', async () => {
    const r = await run([
      login({ time: T(5), mount: 'ldap', type: 'ldap', token: 'hmac-sha256:t1', entity: 'E1', mountAccessor: 'auth_ldap_1' }),
      login({ time: T(1), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', entity: 'E1', mountAccessor: 'auth_userpass_1' }),
      req({ time: T(9), token: 'hmac-sha256:t1', entity: 'E1' }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'root', '', 'auth/userpass/', 'userpass', 'auth_userpass_1']]);
  });

  it('V6 joins: auth.client_token, then request.client_token, then auth.accessor / request.client_token_accessor', async () => {
    const r = await run([
      login({ time: T(1), mount: 'm1', type: 'userpass', token: 'hmac-sha256:t1', accessor: 'hmac-sha256:a1', entity: 'E1' }),
      login({ time: T(2), mount: 'm2', type: 'userpass', token: 'hmac-sha256:t2', accessor: 'hmac-sha256:a2', entity: 'E2' }),
      login({ time: T(3), mount: 'm3', type: 'userpass', token: 'hmac-sha256:t3', accessor: 'hmac-sha256:a3', entity: 'E3' }),
      login({ time: T(4), mount: 'm4', type: 'userpass', token: 'hmac-sha256:t4', accessor: 'hmac-sha256:a4', entity: 'E4' }),
      req({ time: T(10), reqToken: 'hmac-sha256:t1', entity: 'E1' }),
      req({ time: T(11), accessor: 'hmac-sha256:a2', entity: 'E2' }),
      req({ time: T(12), token: 'hmac-sha256:unknown', reqAccessor: 'hmac-sha256:a3', entity: 'E3' }),
      // auth.client_token wins over a conflicting accessor
      req({ time: T(13), token: 'hmac-sha256:t4', accessor: 'hmac-sha256:a1', entity: 'E4' }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.mount_path])).toEqual([
      ['E1', 'auth/m1/'], ['E2', 'auth/m2/'], ['E3', 'auth/m3/'], ['E4', 'auth/m4/'],
    ]);
  });

  it('V6 token and accessor keys live in separate maps (a token equal to some accessor string does not join)', async () => {
    const r = await run([
      login({ time: T(1), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', accessor: 'hmac-sha256:same', entity: 'E1' }),
      req({ time: T(2), token: 'hmac-sha256:same', entity: 'E9', displayName: 'approle' }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.mount_path])).toEqual([['E9', UNKNOWN]]);
  });

  it('V6 the registry ignores --from/--to: a login before the range attributes a use inside it', async () => {
    const r = await run([
      login({ time: '2024-04-30T23:59:59Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t1', entity: 'E1', mountAccessor: 'auth_userpass_1' }),
      req({ time: '2024-05-02T00:00:00Z', token: 'hmac-sha256:t1', entity: 'E1' }),
    ], { from: '2024-05-01' });
    expect(r.clients.map(attr)).toEqual([['E1', 'root', '', 'auth/userpass/', 'userpass', 'auth_userpass_1']]);
    expect(r.report.inputs.tokens_registered).toBe(1);
  });

  it('V6 a login issued in ns1/ with mount_point ns1/auth/userpass/ registers auth/userpass/ in aBcD1', async () => {
    const r = await run([
      login({ time: T(1), mount: 'userpass', nsPath: 'ns1/', ns: NS1, type: 'userpass', token: 'hmac-sha256:t1', entity: 'E1' }),
      req({ time: T(2), token: 'hmac-sha256:t1', entity: 'E1', ns: NS1 }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'aBcD1', 'ns1/', 'auth/userpass/', 'userpass', '']]);
  });

  it('V6 an issuing response whose mount cannot be derived keeps namespace and issue time, mount unknown', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/weird', token: 'hmac-sha256:t1', entity: 'E1', ns: NS1, issueTime: '2024-05-06T18:00:00+08:00' }),
      req({ time: T(2), token: 'hmac-sha256:t1', entity: 'E1', ns: { id: 'other', path: 'other/' } }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'aBcD1', 'ns1/', UNKNOWN, '', '']]);
    expect(r.clients[0].token_creation_time).toBe('2024-05-06T10:00:00Z');
    expect(r.report.inputs.attribution.issuer).toBe(1);
  });

  it('V6 a request own mount_accessor (the accessed mount) is never used for attribution', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:t1', entity: 'E1', displayName: 'approle', mountType: 'kv', mountAccessor: 'kv_123' }),
    ]);
    expect(r.clients.map(attr)).toEqual([['E1', 'root', '', UNKNOWN, '', '']]);
  });
});

describe('V7 fallback attribution', () => {
  it('V7 display name "token" / "token-*": token mount of the request namespace with the learned accessor (§7.4)', async () => {
    const r = await run([
      // teaches root's token-mount accessor (first token/ns_token mount_accessor in root)
      req({ time: T(1), path: 'auth/token/lookup-self', mountType: 'token', mountAccessor: 'auth_token_learned' }),
      req({ time: T(2), path: 'auth/token/lookup-self', mountType: 'token', mountAccessor: 'auth_token_later' }),
      req({ time: T(3), token: 'hmac-sha256:t1', policies: ['default', 'kv-read'], displayName: 'token' }),
      req({ time: T(4), token: 'hmac-sha256:t2', policies: ['default', 'ns-app'], displayName: 'token-nomad-web', ns: NS1 }),
      req({ time: T(5), token: 'hmac-sha256:t3', entity: 'E3', displayName: 'tokenx' }),
    ]);
    expect(r.clients.map(attr)).toEqual([
      [KV_ID, 'root', '', 'auth/token/', 'token', 'auth_token_learned'],
      [NS_APP_ID, 'aBcD1', 'ns1/', 'auth/token/', 'ns_token', ''],
      ['E3', 'root', '', UNKNOWN, '', ''],
    ]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 0, display_name: 0, token_mount: 2, unknown: 1 });
  });

  it('V7 §7.4 learned accessor: earliest in processing order, only mount_type token/ns_token, per namespace', async () => {
    const r = await run([
      req({ time: T(9), path: 'x', mountType: 'token', mountAccessor: 'auth_token_late' }),
      resp({ time: T(2), path: 'auth/token/lookup-self', respMountType: 'token', respMountAccessor: 'auth_token_early' }),
      req({ time: T(1), path: 'x', mountType: 'kv', mountAccessor: 'kv_1' }),
      req({ time: T(1), path: 'x', mountType: 'ns_token', mountAccessor: 'auth_ns_token_ns1', ns: NS1 }),
      req({ time: T(20), token: 'hmac-sha256:t1', entity: 'E1', displayName: 'token' }),
      req({ time: T(21), token: 'hmac-sha256:t2', entity: 'E2', displayName: 'token', ns: NS1 }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.mount_accessor, c.mount_type])).toEqual([
      ['E1', 'auth_token_early', 'token'], ['E2', 'auth_ns_token_ns1', 'ns_token'],
    ]);
  });

  it('V7 candidate labels strip auth/ and the trailing / and replace / by -', () => {
    expect(candidateLabel('auth/userpass/')).toBe('userpass');
    expect(candidateLabel('auth/corp/ldap/')).toBe('corp-ldap');
  });

  it('V7 display-name match: equal or prefix plus "-", longest label wins, ties to the smaller mount_path', () => {
    const c = (mountPath: string): CandidateMount => ({ mountPath, label: candidateLabel(mountPath), accessor: 'acc-' + mountPath, type: 't' });
    const cands = [c('auth/userpass/'), c('auth/corp/'), c('auth/corp/ldap/'), c('auth/a/b/'), c('auth/a-b/')];
    expect(matchDisplayName('userpass', cands)?.mountPath).toBe('auth/userpass/');
    expect(matchDisplayName('userpass-alice', cands)?.mountPath).toBe('auth/userpass/');
    expect(matchDisplayName('userpassalice', cands)).toBeNull();
    expect(matchDisplayName('corp-bob', cands)?.mountPath).toBe('auth/corp/');
    expect(matchDisplayName('corp-ldap-bob', cands)?.mountPath).toBe('auth/corp/ldap/');
    expect(matchDisplayName('a-b-x', cands)?.mountPath).toBe('auth/a-b/'); // '-' < '/'
    expect(matchDisplayName('a-b-x', [...cands].reverse())?.mountPath).toBe('auth/a-b/');
    expect(matchDisplayName('', cands)).toBeNull();
  });

  it('V7 display-name attribution end to end: same namespace only, registrations later in the input count', async () => {
    const r = await run([
      req({ time: T(1), token: 'hmac-sha256:u1', entity: 'E1', displayName: 'corp-ldap-bob' }),
      req({ time: T(2), token: 'hmac-sha256:u2', entity: 'E2', displayName: 'corp-alice' }),
      req({ time: T(3), token: 'hmac-sha256:u3', entity: 'E3', displayName: 'userpass-carol', ns: NS1 }),
      req({ time: T(4), token: 'hmac-sha256:u4', entity: 'E4', displayName: 'userpass-dave' }),
      // registrations after the uses (whole registry is needed first)
      login({ time: T(10), mount: 'corp', type: 'ldap', token: 'hmac-sha256:x1', entity: 'X1', mountAccessor: 'auth_ldap_corp' }),
      login({ time: T(11), mount: 'corp/ldap', type: 'ldap', token: 'hmac-sha256:x2', entity: 'X2' }),
      login({ time: T(12), mount: 'corp/ldap', type: 'ldap', token: 'hmac-sha256:x3', entity: 'X3', mountAccessor: 'auth_ldap_corp_ldap' }),
      login({ time: T(13), mount: 'userpass', type: 'userpass', token: 'hmac-sha256:x4', entity: 'X4', mountAccessor: 'auth_userpass_root' }),
    ]);
    expect(r.clients.map(attr)).toEqual([
      // accessor/type of the winner: first non-empty among its registrations
      ['E1', 'root', '', 'auth/corp/ldap/', 'ldap', 'auth_ldap_corp_ldap'],
      ['E2', 'root', '', 'auth/corp/', 'ldap', 'auth_ldap_corp'],
      // userpass is registered in root only: no candidate in ns1/
      ['E3', 'aBcD1', 'ns1/', UNKNOWN, '', ''],
      ['E4', 'root', '', 'auth/userpass/', 'userpass', 'auth_userpass_root'],
    ]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 0, display_name: 3, token_mount: 0, unknown: 1 });
  });

  it('V7 the token mount is never a display-name candidate; underivable mounts neither', async () => {
    const r = await run([
      resp({ time: T(1), path: 'auth/token/create/ci', token: 'hmac-sha256:x', policies: ['p'] }),
      resp({ time: T(2), path: 'auth/weird', token: 'hmac-sha256:y', entity: 'Y' }),
      req({ time: T(3), token: 'hmac-sha256:u1', entity: 'E1', displayName: 'weird' }),
    ]);
    expect(r.clients.map((c) => c.mount_path)).toEqual([UNKNOWN]);
  });

  it('V7 unknown mount: label, empty accessor/type, one unknown-mount warning counting client-months', async () => {
    const r = await run([
      req({ time: '2024-05-03T00:00:00Z', token: 'hmac-sha256:u1', entity: 'E1', displayName: 'approle' }),
      req({ time: '2024-06-03T00:00:00Z', token: 'hmac-sha256:u1', entity: 'E1', displayName: 'approle' }),
      req({ time: '2024-06-04T00:00:00Z', token: 'hmac-sha256:u2', entity: 'E2', displayName: 'approle' }),
    ]);
    expect(r.report.warnings).toEqual(['unknown-mount: 3 client-month(s) attributed to "unknown (token issued before the logs)"']);
    expect(mountsOf(r.report.by_namespace)).toEqual([`root|${UNKNOWN}|=2`]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 0, display_name: 0, token_mount: 0, unknown: 3 });
    expect(r.report.total).toEqual(counts(2, 2, 0));
  });
});
