// [V13] counting profiles (spec vault.md §14.1).
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { run, req, resp, login, counts } from '../support/vault.js';

const tok = (key: string) => 'token-' + createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
const KV = ['default', 'kv-read'];
const KV_ID = '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM=';

const MIXED = [
  login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:tu', accessor: 'hmac-sha256:au', entity: 'E1', mountAccessor: 'auth_userpass_1' }),
  req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:tu', entity: 'E1' }),
  req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:n1', policies: KV, displayName: 'token' }),
  req({ time: '2024-05-01T00:00:03Z', token: 'hmac-sha256:n2', policies: ['kv-read', 'default'], displayName: 'token' }),
  req({ time: '2024-05-01T00:00:04Z', token: 'hmac-sha256:root', policies: ['root'], displayName: 'root' }),
  req({ time: '2024-05-01T00:00:05Z', token: 'hmac-sha256:wrap', policies: ['response-wrapping'] }),
  req({ time: '2024-05-01T00:00:06Z', token: 'hmac-sha256:err', policies: ['x'], error: 'permission denied' }),
  req({ time: '2024-05-01T00:00:07Z', token: 'hmac-sha256:lg', policies: ['x'], path: 'auth/userpass/login/bob' }),
  req({ time: '2024-05-01T00:00:08Z', path: 'sys/health' }),
  req({ time: '2024-06-01T00:00:00Z', token: 'hmac-sha256:n1', policies: KV, displayName: 'token' }),
];

describe('V13 vault-1.9 and current', () => {
  it('V13 vault-1.9 is identical to current, mounts included (only rules.profile differs)', async () => {
    const a = await run(MIXED);
    const b = await run(MIXED, { profile: 'vault-1.9' });
    expect(b.report.rules.profile).toBe('vault-1.9');
    expect({ ...b.report, rules: { ...b.report.rules, profile: 'current' }, inputs: { ...b.report.inputs, files: [] } })
      .toEqual({ ...a.report, inputs: { ...a.report.inputs, files: [] } });
    expect(b.clientsJsonlText).toBe(a.clientsJsonlText);
    expect(a.report.total).toEqual(counts(2, 1, 1));
  });
});

describe('V13 vault-1.8', () => {
  it('V13 every distinct non-entity token is a client (token-keyed id), root tokens count, a-d and f apply', async () => {
    const r = await run(MIXED, { profile: 'vault-1.8' });
    expect(r.report.rules.profile).toBe('vault-1.8');
    // E1 + n1 + n2 + root; wrapping, error, login, no-token excluded
    expect(r.report.total).toEqual(counts(4, 1, 3));
    expect(r.report.inputs.requests.excluded).toEqual({ no_token: 1, error: 1, policy_denied: 0, login: 1, root: 0, wrapping: 1 });
    expect(r.clients.map((c) => [c.client_id, c.client_type, c.mount_path])).toEqual([
      ['E1', 'entity', 'auth/userpass/'],
      [tok('hmac-sha256:n1'), 'non-entity-token', 'auth/token/'],
      [tok('hmac-sha256:n2'), 'non-entity-token', 'auth/token/'],
      [tok('hmac-sha256:root'), 'non-entity-token', 'unknown (token issued before the logs)'],
    ]);
    expect(r.report.months.map((m: any) => m.counts.clients)).toEqual([4, 1]);
  });

  it('V13 vault-1.8 maps an accessor to its token where any entry shows both (response or request)', async () => {
    const r = await run([
      resp({ time: '2024-05-01T00:00:00Z', path: 'auth/token/create', token: 'hmac-sha256:t1', accessor: 'hmac-sha256:a1', policies: ['p'] }),
      req({ time: '2024-05-01T00:00:01Z', accessor: 'hmac-sha256:a1', policies: ['p'], displayName: 'token' }),
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:t1', policies: ['p'], displayName: 'token' }),
      req({ time: '2024-05-01T00:00:03Z', reqAccessor: 'hmac-sha256:a2', reqToken: '', accessor: 'hmac-sha256:a2', policies: ['q'], displayName: 'token' }),
      req({ time: '2024-05-01T00:00:04Z', token: 'hmac-sha256:t2', accessor: 'hmac-sha256:a2', policies: ['q'], displayName: 'token' }),
      req({ time: '2024-05-01T00:00:05Z', accessor: 'hmac-sha256:a3', policies: ['q'], displayName: 'token' }),
    ], { profile: 'vault-1.8' });
    expect(r.clients.map((c) => c.client_id)).toEqual([tok('hmac-sha256:t1'), tok('hmac-sha256:t2'), tok('accessor:hmac-sha256:a3')]);
    expect(r.report.total).toEqual(counts(3, 0, 3));
  });

  it('V13 current de-duplicates the same tokens by policy set (contrast)', async () => {
    const r = await run(MIXED);
    expect(r.clients.map((c) => c.client_id)).toEqual(['E1', KV_ID]);
  });
});

describe('V13 vault-1.6', () => {
  const CREATION = [
    login({ time: '2024-04-30T23:00:00Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:t0', entity: 'E0', user: 'x' }),
    login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:tu', entity: 'E1', mountAccessor: 'auth_userpass_1', user: 'alice', issueTime: '2024-05-01T08:00:00+08:00' }),
    login({ time: '2024-05-01T00:00:01Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:tu2', entity: 'E1', user: 'alice' }),
    resp({ time: '2024-05-02T00:00:00Z', path: 'auth/token/create', token: 'hmac-sha256:c1', policies: ['p'], mountType: 'token', mountAccessor: 'auth_token_1' }),
    resp({ time: '2024-05-02T00:00:01Z', path: 'auth/token/create/role', token: 'hmac-sha256:c2', policies: ['p'] }),
    resp({ time: '2024-05-03T00:00:00Z', path: 'auth/approle/login', token: 'hmac-sha256:c3', entity: '', mountPoint: 'auth/approle/', mountType: 'approle' }),
    // renewals and lookups are not creations; OIDC callback is not a login path
    resp({ time: '2024-05-04T00:00:00Z', path: 'auth/token/renew-self', token: 'hmac-sha256:tu', entity: 'E1' }),
    resp({ time: '2024-05-04T00:00:01Z', path: 'auth/oidc/oidc/callback', token: 'hmac-sha256:o1', entity: 'E-oidc' }),
    // a wrapped response: its wrapping token is a non-entity client on the token mount of the request namespace
    resp({ time: '2024-05-05T00:00:00Z', path: 'secret/data/app', wrapToken: 'hmac-sha256:w1', ns: { id: 'aBcD1', path: 'ns1/' } }),
    // uses count nothing in 1.6
    req({ time: '2024-05-06T00:00:00Z', token: 'hmac-sha256:tu', entity: 'E1' }),
    req({ time: '2024-05-06T00:00:01Z', token: 'hmac-sha256:zz', policies: ['z'], displayName: 'token' }),
  ];

  it('V13 counts at creation: logins and token creates (entity or token-keyed), wrapping tokens; uses and renewals do not', async () => {
    const r = await run(CREATION, { profile: 'vault-1.6', from: '2024-05-01' });
    expect(r.clients.map((c) => [c.client_id, c.client_type, c.namespace_id, c.mount_path, c.mount_type, c.mount_accessor, c.token_creation_time, c.client_first_usage_time])).toEqual([
      ['E1', 'entity', 'root', 'auth/userpass/', 'userpass', 'auth_userpass_1', '2024-05-01T00:00:00Z', '2024-05-01T00:00:00Z'],
      [tok('hmac-sha256:c1'), 'non-entity-token', 'root', 'auth/token/', 'token', 'auth_token_1', '2024-05-02T00:00:00Z', '2024-05-02T00:00:00Z'],
      [tok('hmac-sha256:c2'), 'non-entity-token', 'root', 'auth/token/', 'token', 'auth_token_1', '2024-05-02T00:00:01Z', '2024-05-02T00:00:01Z'],
      [tok('hmac-sha256:c3'), 'non-entity-token', 'root', 'auth/approle/', 'approle', '', '2024-05-03T00:00:00Z', '2024-05-03T00:00:00Z'],
      [tok('hmac-sha256:w1'), 'non-entity-token', 'aBcD1', 'auth/token/', 'ns_token', '', '', '2024-05-05T00:00:00Z'],
    ]);
    expect(r.report.total).toEqual(counts(5, 1, 4));
    expect(r.report.months.map((m: any) => [m.timestamp, m.counts.clients])).toEqual([['2024-05-01T00:00:00Z', 5]]);
  });

  it('V13 vault-1.6 month = month of the response time', async () => {
    const r = await run([
      resp({ time: '2024-05-31T23:59:59Z', path: 'auth/token/create', token: 'hmac-sha256:c1', policies: ['p'] }),
      resp({ time: '2024-06-01T00:00:00Z', path: 'auth/token/create', token: 'hmac-sha256:c2', policies: ['p'] }),
      req({ time: '2024-07-01T00:00:00Z', token: 'hmac-sha256:c1', policies: ['p'], displayName: 'token' }),
    ], { profile: 'vault-1.6' });
    expect(r.report.months.map((m: any) => [m.timestamp, m.counts.clients, m.new_clients.counts.clients])).toEqual([
      ['2024-05-01T00:00:00Z', 1, 1], ['2024-06-01T00:00:00Z', 1, 1],
    ]);
  });
});

describe('V13 legacy-auditor', () => {
  it('V13 entities + entity-less tokens on any request with a token, no exclusions, no months, no mounts', async () => {
    const r = await run(MIXED, { profile: 'legacy-auditor' });
    // E1 (entity) + tokens n1, n2, root, wrap, err, lg; the no-token request is not a client
    expect(r.report.total).toEqual(counts(7, 1, 6));
    expect(r.report.months).toEqual([]);
    expect(r.report.kmip.months).toEqual([]);
    expect(r.report.by_namespace).toEqual([{ namespace_id: 'root', namespace_path: '', counts: counts(7, 1, 6), mounts: [] }]);
    for (const c of r.clients) expect([c.mount_accessor, c.mount_path, c.mount_type]).toEqual(['', '', '']);
    expect(r.clients.map((c) => c.client_id)).toContain(tok('hmac-sha256:root'));
  });

  it('V13 legacy-auditor groups by request namespace, not token namespace', async () => {
    const r = await run([
      resp({ time: '2024-05-01T00:00:00Z', path: 'auth/token/create', token: 'hmac-sha256:t1', policies: ['p'], ns: { id: 'aBcD1', path: 'ns1/' } }),
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:t1', policies: ['p'], displayName: 'token', ns: { id: 'cc', path: 'ns1/ns2/' } }),
    ], { profile: 'legacy-auditor' });
    expect(r.report.by_namespace.map((n: any) => n.namespace_id)).toEqual(['cc']);
  });

  it('V13 legacy-auditor table text reproduces vault-auditor (Date range: entries of any type, whole seconds)', async () => {
    const r = await run([
      resp({ time: '2019-01-08T06:43:50.999Z', path: 'sys/health' }),
      req({ time: '2020-01-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1' }),
      req({ time: '2020-01-01T00:00:01Z', token: 'hmac-sha256:b', entity: 'E2', error: 'denied' }),
      req({ time: '2020-01-01T00:00:02Z', token: 'hmac-sha256:c', policies: ['root'] }),
      req({ time: '2020-01-01T00:00:03Z', token: 'hmac-sha256:d', policies: ['response-wrapping'] }),
      { time: '2026-09-09T06:12:11.5Z', type: 'kmip-request', request: {} },
    ], { profile: 'legacy-auditor' });
    expect(r.table).toBe('Distinct Entities: 2\nNon-Entity Tokens: 2\nTotal Clients: 4\nTotal files processed: 1\nDate range: 2019-01-08T06:43:50Z - 2026-09-09T06:12:11Z\n');
  });

  const LEGACY_RANGE = [
    req({ time: '2020-01-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1' }),
    req({ time: '2020-02-03T04:05:06.7Z', token: 'hmac-sha256:b', entity: 'E2' }),
    req({ time: '2020-03-01T00:00:00Z', token: 'hmac-sha256:c', entity: 'E3' }),
  ];

  it('V13 legacy-auditor: --from/--to still filter entries', async () => {
    const r = await run(LEGACY_RANGE, { profile: 'legacy-auditor', from: '2020-02-01', to: '2020-02-29' });
    expect(r.report.total).toEqual(counts(1, 1, 0));
    expect(r.table).toMatch(/^Distinct Entities: 1\nNon-Entity Tokens: 0\nTotal Clients: 1\nTotal files processed: 1\nDate range: /);
  });

  it('V13 legacy-auditor: with --from/--to the Date range is still the span of entries inside the range', async () => {
    const r = await run(LEGACY_RANGE, { profile: 'legacy-auditor', from: '2020-02-01', to: '2020-02-29' });
    expect(r.table).toContain('Date range: 2020-02-03T04:05:06Z - 2020-02-03T04:05:06Z\n');
  });
});
