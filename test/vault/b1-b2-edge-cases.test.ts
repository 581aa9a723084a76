// [B1] [B2] privacy and robustness (spec vault.md §3.4, §4.5, §16) and the remaining §15 edge cases.
import { describe, it, expect } from 'vitest';
import { VAULT_PROFILES } from '../../src/platform.js';
import { run, runFiles, req, resp, login, jsonl, counts, excluded } from '../support/vault.js';

const H = (c: string) => 'hmac-sha256:' + c.repeat(64);
const SECRETS = {
  token: H('a'), accessor: H('b'), reqToken: H('c'), reqAccessor: H('d'), wrapToken: H('e'), loginToken: H('f'), loginAcc: H('9'),
  raw: 'hvs.CAESIPlaintextTokenNeverPrintMe', rawAcc: 'rawAccessorNeverPrintMe42', rawWrap: 'hvs.wrapPlainNeverPrint',
};

const LOG = [
  login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: SECRETS.loginToken, accessor: SECRETS.loginAcc, entity: 'E1' }),
  req({ time: '2024-05-01T00:00:01Z', token: SECRETS.loginToken, accessor: SECRETS.loginAcc, entity: 'E1' }),
  req({ time: '2024-05-01T00:00:02Z', token: SECRETS.token, accessor: SECRETS.accessor, policies: ['p1'], displayName: 'token', clientId: 'mismatching-logged-id' }),
  req({ time: '2024-05-01T00:00:03Z', reqToken: SECRETS.reqToken, reqAccessor: SECRETS.reqAccessor, policies: ['p2'], displayName: 'token' }),
  resp({ time: '2024-05-01T00:00:04Z', path: 'secret/data/x', wrapToken: SECRETS.wrapToken }),
  // log_raw=true: plaintext token and accessor
  req({ time: '2024-05-01T00:00:05Z', token: SECRETS.raw, accessor: SECRETS.rawAcc, policies: ['p3'], displayName: 'approle' }),
  resp({ time: '2024-05-01T00:00:06Z', path: 'sys/wrapping/wrap', wrapToken: SECRETS.rawWrap }),
  // malformed lines carrying secrets must not be echoed
  `garbage ${SECRETS.raw}`,
  `{"time":"2024-05-01T00:00:07Z","type":"request","auth":{"client_token":"${SECRETS.raw}"`,
  `{"type":"request","auth":{"client_token":"${SECRETS.token}"}}`,
];

describe('B2 no token or accessor value in any output', () => {
  for (const profile of VAULT_PROFILES) {
    it(`B2 profile ${profile}: count json/table/csv and clients jsonl/csv carry no token, accessor or wrap token`, async () => {
      const r = await runFiles([jsonl(LOG)], { profile });
      const outputs = { json: r.countJsonText, table: r.table, csv: r.countCsv, jsonl: r.clientsJsonlText, clientsCsv: r.clientsCsv };
      for (const [name, text] of Object.entries(outputs)) {
        for (const [k, v] of Object.entries(SECRETS)) {
          expect(text.includes(v), `${name} contains ${k}`).toBe(false);
        }
        expect(/hmac-sha256:[0-9a-f]/.test(text), `${name} contains an HMAC`).toBe(false);
        expect(text.includes('NeverPrint'), `${name} contains plaintext`).toBe(false);
      }
      expect(r.report.inputs.malformed).toBe(3);
    });
  }

  it('B2 unhashed-tokens warning, exactly once, when token fields lack the hmac-sha256: prefix', async () => {
    const r = await runFiles([jsonl(LOG)]);
    expect(r.report.warnings.filter((w: string) => w.startsWith('unhashed-tokens')))
      .toEqual(['unhashed-tokens: token fields without the hmac-sha256: prefix were seen']);
  });

  it('B2 unhashed-tokens is also raised by a plaintext accessor, request.client_token, or wrap token alone', async () => {
    for (const e of [
      req({ time: '2024-05-01T00:00:00Z', accessor: 'plainAcc', entity: 'E', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:00Z', reqToken: 's.plain', entity: 'E', displayName: 'token' }),
      resp({ time: '2024-05-01T00:00:00Z', path: 'x', wrapToken: 's.plainwrap' }),
      login({ time: '2024-05-01T00:00:00Z', mount: 'u', type: 'userpass', token: 's.plainlogin', entity: 'E' }),
    ]) {
      const r = await run([e]);
      expect(r.report.warnings).toContain('unhashed-tokens: token fields without the hmac-sha256: prefix were seen');
    }
  });

  it('B2 no unhashed-tokens warning for HMAC-only logs', async () => {
    const r = await run([req({ time: '2024-05-01T00:00:00Z', token: H('1'), accessor: H('2'), entity: 'E', displayName: 'token' })]);
    expect(r.report.warnings).toEqual([]);
  });
});

describe('B1 bad input never crashes (§3.4, §15)', () => {
  it('B1 fields of unexpected JSON types are treated as absent', async () => {
    const r = await run([
      { time: '2024-05-01T00:00:00Z', type: 'request', auth: null, request: null },
      { time: '2024-05-01T00:00:01Z', type: 'request', auth: 'x', request: [1] },
      { time: '2024-05-01T00:00:02Z', type: 'request', auth: { client_token: H('1'), entity_id: 'E1', metadata: null, token_policies: 'default', policy_results: null, display_name: 5 },
        request: { namespace: 'x', path: 7, data: null, headers: {}, client_id: null } },
      { time: '2024-05-01T00:00:03Z', type: 'request', auth: { client_token: H('2'), token_policies: [1, 'kv-read', null, 'default'], display_name: 'token' }, request: { namespace: [], path: null } },
      { time: '2024-05-01T00:00:04Z', type: 'response', auth: null, request: { path: 'auth/u/login', mount_point: 5 }, response: { auth: { client_token: 5 }, wrap_info: null } },
      { time: '2024-05-01T00:00:05Z', type: 'response', request: { path: 'auth/u/login' }, response: null },
      { time: '2024-05-01T00:00:06Z', type: 'kmip-request', request: { client_certificate_serial_number: 12345 } },
    ]);
    expect(r.report.inputs.requests).toEqual({ countable: 2, out_of_range: 0, excluded: excluded({ no_token: 2 }) });
    // non-string policies are ignored: ["kv-read","default"] -> the kv-read vector
    expect(r.clients.map((c) => [c.client_id, c.namespace_id])).toEqual([['E1', 'root'], ['6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM=', 'root']]);
    expect(r.report.kmip).toMatchObject({ clients: 0, entries_without_serial: 1 });
  });
});

describe('§15 edge cases not covered by a single rule file', () => {
  it('§15 missing request.id (help operations) is evaluated normally', async () => {
    const r = await run([{ time: '2024-05-01T00:00:00Z', type: 'request', auth: { client_token: H('1'), entity_id: 'E1', display_name: 'token' }, request: { operation: 'help', path: 'secret/' } }]);
    expect(r.report.total).toEqual(counts(1, 1, 0));
  });

  it('§15 duplicate files / overlapping rotations: the same entries twice change nothing', async () => {
    const entries = [
      login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: H('1'), entity: 'E1', mountAccessor: 'acc_u' }),
      req({ time: '2024-05-01T00:00:01Z', token: H('1'), entity: 'E1' }),
      req({ time: '2024-05-02T00:00:01Z', token: H('2'), policies: ['default', 'kv-read'], displayName: 'token' }),
      req({ time: '2024-06-02T00:00:01Z', token: H('2'), policies: ['default', 'kv-read'], displayName: 'token' }),
    ];
    const once = await runFiles([jsonl(entries)]);
    const twice = await runFiles([jsonl(entries), jsonl([...entries.slice(1), entries[0]!])]);
    const strip = (d: any) => ({ ...d, inputs: { ...d.inputs, files: [], entries: null, requests: null, tokens_registered: d.inputs.tokens_registered } });
    expect(strip(twice.report)).toEqual(strip(once.report));
    expect(twice.clientsJsonlText).toBe(once.clientsJsonlText);
    expect(twice.report.inputs.requests.countable).toBe(2 * once.report.inputs.requests.countable);
  });

  it('§15 the same path twice is read once with a duplicate-input warning', async () => {
    const a = await runFiles([jsonl([req({ time: '2024-05-01T00:00:00Z', token: H('1'), entity: 'E1', displayName: 'token' })])]);
    const { runPaths } = await import('../support/vault.js');
    const r = await runPaths([a.paths[0]!, a.paths[0]!]);
    expect(r.report.inputs.files.length).toBe(1);
    expect(r.report.warnings).toEqual([`duplicate-input: ${a.paths[0]} given more than once`]);
    expect(r.report.inputs.requests.countable).toBe(1);
  });

  it('§15 several audit devices (different salts): counts stay correct, attribution falls back', async () => {
    // device A logged the login, device B logged the use with a different HMAC of the same token
    const r = await runFiles([
      jsonl([login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: H('a'), entity: 'E1', mountAccessor: 'acc_u' }),
        req({ time: '2024-05-01T00:00:01Z', token: H('a'), entity: 'E1', displayName: 'userpass-alice' })]),
      jsonl([req({ time: '2024-05-01T00:00:01Z', token: H('b'), entity: 'E1', displayName: 'userpass-alice' }),
        req({ time: '2024-05-01T00:00:02Z', token: H('c'), entity: 'E2', displayName: 'userpass-bob' })]),
    ]);
    expect(r.report.total).toEqual(counts(2, 2, 0));
    expect(r.clients.map((c) => [c.client_id, c.mount_path])).toEqual([['E1', 'auth/userpass/'], ['E2', 'auth/userpass/']]);
    expect(r.report.inputs.attribution).toEqual({ issuer: 1, display_name: 1, token_mount: 0, unknown: 0 });
  });

  it('§15 pre-1.11 logs without policy_results / mount_accessor: rule c passes, accessor "", mount from request.path', async () => {
    const r = await run([
      resp({ time: '2024-05-01T00:00:00Z', path: 'auth/ldap/login/bob', token: H('1'), entity: 'E1' }),
      req({ time: '2024-05-01T00:00:01Z', token: H('1'), entity: 'E1' }),
    ]);
    expect(r.clients.map((c) => [c.mount_path, c.mount_type, c.mount_accessor])).toEqual([['auth/ldap/', '', '']]);
    expect(r.report.by_namespace[0].mounts).toEqual([{ mount_path: 'auth/ldap/', mount_type: '', counts: counts(1, 1, 0) }]);
  });

  it('§15 only responses for some operations, only requests for others: requests count, responses register', async () => {
    const r = await run([
      login({ time: '2024-05-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: H('1'), entity: 'E1' }),
      resp({ time: '2024-05-01T00:00:01Z', path: 'secret/data/x', auth: { client_token: H('9'), entity_id: 'E9' } }),
      req({ time: '2024-05-01T00:00:02Z', token: H('1'), entity: 'E1' }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.mount_path])).toEqual([['E1', 'auth/userpass/']]);
    expect(r.report.rules.response_only).toBe(false);
  });
});
