/**
 * fixtures/real/vault-public-samples.jsonl with the results stated in fixtures/real/README.md.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as path from 'node:path';
import { REPO_ROOT, runCli, runJson, parseJsonl, keyOrder, splitClientIdCheck } from '../helpers/cli.js';

const DIR = path.join(REPO_ROOT, 'fixtures', 'real');
const FILE = 'vault-public-samples.jsonl';
const UNKNOWN = 'unknown (token issued before the logs)';

const C = (clients: number, entity: number, nonEntity: number) => ({
  clients, entity_clients: entity, non_entity_clients: nonEntity, secret_syncs: 0, acme_clients: 0,
});
const Z = C(0, 0, 0);

function monthList(): string[] {
  const out: string[] = [];
  for (let y = 2020, m = 11; y < 2026 || (y === 2026 && m <= 8); m++) {
    if (m === 12) { y++; m = 0; }
    out.push(new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 19) + 'Z');
  }
  return out;
}

const rootNs = (counts: object, mounts: object[]) => [{ namespace_id: 'root', namespace_path: '', counts, mounts }];
const mount = (mount_path: string, mount_type: string, counts: object) => ({ mount_path, mount_type, counts });

function expectedDoc(): any {
  const e1 = C(1, 1, 0);
  const n1 = C(1, 0, 1);
  const special: Record<string, any> = {
    '2020-12-01T00:00:00Z': { counts: e1, namespaces: rootNs(e1, [mount(UNKNOWN, '', e1)]), new: true },
    '2021-06-01T00:00:00Z': { counts: n1, namespaces: rootNs(n1, [mount('auth/token/', 'token/', n1)]), new: true },
    '2021-12-01T00:00:00Z': { counts: e1, namespaces: rootNs(e1, [mount(UNKNOWN, '', e1)]), new: false },
    '2026-09-01T00:00:00Z': { counts: e1, namespaces: rootNs(e1, [mount('auth/approle/', '', e1)]), new: true },
  };
  const months = monthList().map((ts) => {
    const s = special[ts];
    if (!s) return { timestamp: ts, counts: Z, namespaces: [], new_clients: { counts: Z, namespaces: [] } };
    return {
      timestamp: ts,
      counts: s.counts,
      namespaces: s.namespaces,
      new_clients: s.new ? { counts: s.counts, namespaces: s.namespaces } : { counts: Z, namespaces: [] },
    };
  });
  const entries = { request: 6, response: 6, 'kmip-request': 1, 'kmip-response': 1, other: 0 };
  return {
    start_time: '2020-12-01T00:00:00Z',
    end_time: '2026-09-30T23:59:59Z',
    by_namespace: rootNs(C(3, 2, 1), [
      mount('auth/approle/', '', e1),
      mount('auth/token/', 'token/', n1),
      mount(UNKNOWN, '', e1),
    ]),
    months,
    total: C(3, 2, 1),
    kmip: {
      clients: 1,
      entries_without_serial: 0,
      months: monthList().map((ts) => ({
        timestamp: ts,
        clients: ts === '2026-05-01T00:00:00Z' ? 1 : 0,
        new_clients: ts === '2026-05-01T00:00:00Z' ? 1 : 0,
      })),
    },
    inputs: {
      files: [{
        path: FILE, lines: 14, blank_lines: 0, entries, malformed: 0, malformed_examples: [], truncated_last_line: false,
        first_time: '2019-01-08T06:43:50.1616533Z', last_time: '2026-09-09T06:12:11.937092952Z',
      }],
      entries,
      malformed: 0,
      requests: { countable: 4, out_of_range: 0, excluded: { no_token: 1, error: 1, policy_denied: 0, login: 0, root: 0, wrapping: 0 } },
      tokens_registered: 1,
      attribution: { issuer: 0, display_name: 1, token_mount: 1, unknown: 2 },
    },
    warnings: [`unknown-mount: 2 client-month(s) attributed to "${UNKNOWN}"`],
    rules: { platform: 'vault', profile: 'current', billing_start_day: 1, from: null, to: null, prefix: null, response_only: false, strict: false },
  };
}

const EXPORT = [
  {
    client_id: 'e4f5c67a-6f7e-789d-ae56-a1fe3ae23046', client_type: 'entity', namespace_id: 'root', namespace_path: '',
    mount_accessor: '', mount_path: UNKNOWN, mount_type: '', token_creation_time: '2020-12-01T20:28:40Z',
    client_first_usage_time: '2020-12-01T20:29:04.356625452Z',
  },
  {
    client_id: 'oEpokl6YdZE1dtOcVOIz+pmp/xKHNN/3/NRj69OaZBA=', client_type: 'non-entity-token', namespace_id: 'root',
    namespace_path: '', mount_accessor: '', mount_path: 'auth/token/', mount_type: 'token',
    token_creation_time: '2021-04-29T21:53:46Z', client_first_usage_time: '2021-06-29T17:26:11.402530449Z',
  },
  {
    client_id: '5cb4e785-fe8a-5d82-b991-31e74980d2b8', client_type: 'entity', namespace_id: 'root', namespace_path: '',
    mount_accessor: '', mount_path: 'auth/approle/', mount_type: '', token_creation_time: '2026-09-09T05:54:37Z',
    client_first_usage_time: '2026-09-09T06:12:11.937092952Z',
  },
];

describe('real public samples, profile current', () => {
  let doc: any;
  beforeAll(() => {
    doc = runJson(['count', '--format', 'json', FILE], { cwd: DIR }).json;
  });

  it('V9 total: 3 clients (2 entity, 1 non-entity)', () => {
    expect(doc.total).toEqual(C(3, 2, 1));
  });

  it('V7 V9 root namespace with auth/approle/ (type ""), auth/token/ (token/) and the unknown mount, 1 client each', () => {
    expect(doc.by_namespace).toEqual(expectedDoc().by_namespace);
  });

  it('V8 70 months 2020-12 … 2026-09; clients in 2020-12, 2021-06, 2021-12 (not new), 2026-09', () => {
    expect(doc.months.length).toBe(70);
    expect(doc.start_time).toBe('2020-12-01T00:00:00Z');
    expect(doc.end_time).toBe('2026-09-30T23:59:59Z');
    expect(doc.months).toEqual(expectedDoc().months);
  });

  it('V10 one KMIP client in 2026-05, never in total', () => {
    expect(doc.kmip).toEqual(expectedDoc().kmip);
  });

  it('V2 V3 V6 V7 inputs: entries, exclusions (error line 3, no_token line 11), 1 token registered, attribution', () => {
    const { doc: plain, check } = splitClientIdCheck(doc);
    expect(plain.inputs).toEqual(expectedDoc().inputs);
    // Only line 14 logs a client_id, and it is an entity's: no non-entity id to check.
    expect(check).toEqual({ checked: 0, mismatched: 0 });
  });

  it('V11 full document incl. warnings and rules, keys in §10 order', () => {
    const want = expectedDoc();
    const plain = splitClientIdCheck(doc).doc;
    expect(plain).toEqual(want);
    expect(keyOrder(plain)).toEqual(keyOrder(want));
  });

  it('V12 export records in client_first_usage_time order', () => {
    const res = runCli(['clients', '--format', 'jsonl', FILE], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    expect(parseJsonl(res.stdout)).toEqual(EXPORT);
  });

  it('V4 vault-1.9 gives the same counts as current', () => {
    const d = runJson(['count', '--format', 'json', '--rules', 'vault-1.9', FILE], { cwd: DIR }).json;
    expect(d.total).toEqual(C(3, 2, 1));
    expect(d.by_namespace).toEqual(doc.by_namespace);
    expect(d.months).toEqual(doc.months);
  });

  it('V13 vault-1.8 gives the same counts, the non-entity client keyed by its token (token-<sha256 prefix>)', () => {
    const d = runJson(['count', '--format', 'json', '--rules', 'vault-1.8', FILE], { cwd: DIR }).json;
    expect(d.total).toEqual(C(3, 2, 1));
    const res = runCli(['clients', '--format', 'jsonl', '--rules', 'vault-1.8', FILE], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    const ne = parseJsonl(res.stdout).filter((r) => r.client_type === 'non-entity-token');
    expect(ne.length).toBe(1);
    expect(ne[0].client_id).toMatch(/^token-[0-9a-f]{32}$/);
    expect(res.stdout).not.toContain('hmac-sha256');
  });
});

describe('real public samples, other profiles', () => {
  it('V13 vault-1.6: 1 client, entity a4db4ab3-… created by the AppRole login response (line 12)', () => {
    const d = runJson(['count', '--format', 'json', '--rules', 'vault-1.6', FILE], { cwd: DIR }).json;
    expect(d.total).toEqual(C(1, 1, 0));
    expect(d.by_namespace).toEqual(rootNs(C(1, 1, 0), [mount('auth/approle/', '', C(1, 1, 0))]));
    const res = runCli(['clients', '--format', 'jsonl', '--rules', 'vault-1.6', FILE], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    expect(parseJsonl(res.stdout)).toEqual([
      {
        client_id: 'a4db4ab3-7605-f51c-cf0c-344245782f98', client_type: 'entity', namespace_id: 'root', namespace_path: '',
        mount_accessor: '', mount_path: 'auth/approle/', mount_type: '', token_creation_time: '2020-03-06T03:24:31Z',
        client_first_usage_time: '2020-03-06T03:24:31.062818429Z',
      },
    ]);
  });

  it('V13 legacy-auditor table output reproduces vault-auditor exactly (spec §14.1)', () => {
    const res = runCli(['count', '--rules', 'legacy-auditor', '--format', 'table', FILE], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.replace(/\n$/, '')).toBe(
      [
        'Distinct Entities: 2',
        'Non-Entity Tokens: 2',
        'Total Clients: 4',
        'Total files processed: 1',
        'Date range: 2019-01-08T06:43:50Z - 2026-09-09T06:12:11Z',
      ].join('\n'),
    );
  });

  it('V13 legacy-auditor JSON: 2 entities + 2 entity-less tokens (lines 3 and 5), no months, no mounts', () => {
    const d = runJson(['count', '--format', 'json', '--rules', 'legacy-auditor', FILE], { cwd: DIR }).json;
    expect(d.total).toEqual(C(4, 2, 2));
    expect(d.months).toEqual([]);
    expect(d.kmip.months).toEqual([]);
    for (const n of d.by_namespace) expect(n.mounts).toEqual([]);
    expect(JSON.stringify(d)).not.toContain('hmac-sha256');
  });
});
