// [V4] Client identity (spec vault.md §6, §6.1, §6.2): every test vector of §6.2 exactly, and the
// entity/non-entity decision end to end.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { NonEntityClientIds, nonEntityClientId, tokenClientId } from '../../src/vault/client-id.js';
import { run, req, counts } from '../support/vault.js';

const VECTORS: [string, string[], string, string][] = [
  ['bar,baz,foo,banana / namespaceFoo', ['bar', 'baz', 'foo', 'banana'], 'namespaceFoo', 'jPwsxFzwa/2a5D/l0RhCokbQl8RN3AWROaF4Kk6wnj4='],
  ['default,kv-read / root', ['default', 'kv-read'], 'root', '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM='],
  ['[] / namespaceFoo', [], 'namespaceFoo', 'oXRLDOqpEXgZAytAzBYRvx3MPXzeW6Eezee4JEaluQw='],
  ['bar,baz,foo,banana / ""', ['bar', 'baz', 'foo', 'banana'], '', 'whTKnXBHqJZTxxt7p3/dS32AZINI+K7J27MV0qlM1qA='],
  ['[] / ""', [], '', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
  ['default / root', ['default'], 'root', 'g0A6QFkmfBoCzvwgAWlrwXxqmnxezsz9P+RmbKWtbTM='],
  ['my-policy,default (order-insensitive) / root', ['my-policy', 'default'], 'root', 'OCJCRf9J6HVrOQmQHRv9LOl75k4O2QN0MSn3QsauTWA='],
  ['default,dev / root', ['default', 'dev'], 'root', '8xyzM6eufMSA0QjdQbBcxXqQ/K7/7VcB1fQBRGvOZfM='],
  ['kv-read / root', ['kv-read'], 'root', 'pjEeHK0dgpoOUxDh/501XwosI8ZVf+Kp2EJKb2xJiKI='],
  ['default,ns-app / aBcD1', ['default', 'ns-app'], 'aBcD1', 'wkGbA8pJqqExzeMfdE0azFx6gRJh7g37beLwz5GO3Ec='],
  ['app-continuous-delivery,app-github-runner,default / root', ['app-continuous-delivery', 'app-github-runner', 'default'], 'root', 'oEpokl6YdZE1dtOcVOIz+pmp/xKHNN/3/NRj69OaZBA='],
  ['default,default (duplicates kept) / root', ['default', 'default'], 'root', 'CMzkR4xnEog3bX4HUGRJT3TwAqYZBSsRA95NjxFtXW0='],
  ['b,B,a (byte order) / root', ['b', 'B', 'a'], 'root', 'gcRXjkh+DYWeTySJ2CjU8TdepAykjE28tWO0pB+bHrM='],
  ['response-wrapping / root', ['response-wrapping'], 'root', 'rWML+2xGX2RJUpB3xHagF8KeTWTAmWcNtQxfM8tzpH8='],
  ['control-group / root', ['control-group'], 'root', 'cF3iQHLtZ1sFIljuKwYeu50jKAia6I5/mULsXpkcGL8='],
  ['U+1F600,U+FF21 (UTF-8 order) / root', ['\u{1F600}', '\uFF21'], 'root', 'GgjjJr+H+IJbNU8EZKb3qaz6+38XSGphoZCPzBFliIA='],
];

describe('V4 non-entity client id (§6.1, §6.2 test vectors)', () => {
  it('V4 there are exactly 16 vectors in §6.2', () => {
    expect(VECTORS.length).toBe(16);
  });

  for (const [name, policies, ns, id] of VECTORS) {
    it(`V4 vector ${name} -> ${id}`, () => {
      const input = [...policies];
      expect(nonEntityClientId(policies, ns)).toBe(id);
      expect(policies).toEqual(input); // input not sorted in place
    });
  }

  it('V4 the UTF-16 sort result of the last vector is NOT produced', () => {
    expect(nonEntityClientId(['\u{1F600}', '\uFF21'], 'root')).not.toBe('4Q0gig5vakvjNLX42FKYrcLk3gozxqWpy2tLWpbRaos=');
    // sanity: the wrong value is what a UTF-16 order would hash
    const wrong = createHash('sha256').update(Buffer.concat([
      Buffer.from('\u{1F600}'), Buffer.from([0x7f]), Buffer.from('\uFF21'), Buffer.from([0]), Buffer.from('root'),
    ])).digest('base64');
    expect(wrong).toBe('4Q0gig5vakvjNLX42FKYrcLk3gozxqWpy2tLWpbRaos=');
  });

  it('V4 ids are 44-character padded standard base64', () => {
    for (const [, p, ns] of VECTORS) expect(nonEntityClientId(p, ns)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('V4 token-keyed ids: token- + first 32 hex of SHA-256 of the key (§14.1)', () => {
    const key = 'hmac-sha256:abc';
    expect(tokenClientId(key)).toBe('token-' + createHash('sha256').update(key).digest('hex').slice(0, 32));
    expect(tokenClientId(key)).toMatch(/^token-[0-9a-f]{32}$/);
  });
});

describe('V4 entity vs non-entity decision (§6)', () => {
  it('V4 entity id wins whatever the policies and logged client_id', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:t1', entity: 'entityFoo', policies: ['default', 'dev'], clientId: 'something-else' }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.client_type])).toEqual([['entityFoo', 'entity']]);
    expect(r.report.total).toEqual(counts(1, 1, 0));
  });

  it('V4 entity_id "" is a non-entity client with the computed id', async () => {
    const r = await run([req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:t1', entity: '', policies: ['default', 'kv-read'] })]);
    expect(r.clients.map((c) => [c.client_id, c.client_type])).toEqual([['6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM=', 'non-entity-token']]);
    expect(r.report.total).toEqual(counts(1, 0, 1));
  });

  it('V4 a logged non-empty request.client_id is used as is; empty one falls back to the computed id', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:t1', policies: ['a'], clientId: 'LOGGED-ID' }),
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:t2', policies: ['kv-read'], clientId: '' }),
    ]);
    expect(r.clients.map((c) => c.client_id).sort()).toEqual(['LOGGED-ID', 'pjEeHK0dgpoOUxDh/501XwosI8ZVf+Kp2EJKb2xJiKI=']);
    expect(r.report.inputs.client_id_check).toEqual({ checked: 1, mismatched: 1 });
    expect(r.report.warnings.some((w: string) => w.startsWith('client-id-mismatch: 1 of 1 non-entity request(s)'))).toBe(true);
  });

  it('V4 policy list is token_policies when non-empty, else auth.policies, else []', async () => {
    const r = await run([
      // token_policies win over policies
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:t1', policies: ['kv-read'], authPolicies: ['default', 'kv-read', 'identity-pol'] }),
      // empty token_policies -> policies
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:t2', policies: [], authPolicies: ['default'] }),
      // neither -> [] in root: sha256("root")
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:t3' }),
    ]);
    const rootOnly = createHash('sha256').update('root').digest('base64');
    expect(r.clients.map((c) => c.client_id)).toEqual([
      'pjEeHK0dgpoOUxDh/501XwosI8ZVf+Kp2EJKb2xJiKI=', 'g0A6QFkmfBoCzvwgAWlrwXxqmnxezsz9P+RmbKWtbTM=', rootOnly,
    ]);
  });

  it('V4 same policies in another order and another token are one client', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:t1', policies: ['my-policy', 'default'] }),
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:t2', policies: ['default', 'my-policy'] }),
    ]);
    expect(r.report.total).toEqual(counts(1, 0, 1));
    expect(r.clients[0].client_id).toBe('OCJCRf9J6HVrOQmQHRv9LOl75k4O2QN0MSn3QsauTWA=');
  });
});

describe('NonEntityClientIds', () => {
  it('gives what nonEntityClientId gives, for shared and equal-but-distinct policy lists and per namespace', () => {
    const ids = new NonEntityClientIds();
    const shared = Object.freeze(['default', 'web']);
    for (const ns of ['root', 'ns1', 'root']) {
      expect(ids.of(shared, ns)).toBe(nonEntityClientId(shared, ns));
      expect(ids.of(['default', 'web'], ns)).toBe(nonEntityClientId(['default', 'web'], ns));
      expect(ids.of(['web', 'default'], ns)).toBe(nonEntityClientId(['default', 'web'], ns));
    }
    expect(ids.of(shared, 'root')).not.toBe(ids.of(shared, 'ns1'));
    expect(ids.of([], 'root')).toBe(nonEntityClientId([], 'root'));
  });
});
