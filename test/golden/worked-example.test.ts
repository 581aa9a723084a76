/**
 * Spec §13 worked example, run through the built CLI as a black box.
 * The CLI runs with cwd = fixtures/vault and the argument `audit.log`, so inputs.files[0].path and the
 * warnings carry exactly `audit.log`, as in the spec document.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCli, runJson, parseJsonl, keyOrder, splitClientIdCheck } from '../helpers/cli.js';

const DIR = path.join(REPO_ROOT, 'fixtures', 'vault');
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');

describe('§13 worked example (fixtures/vault/audit.log)', () => {
  const expected = JSON.parse(read('worked-example.count.json'));
  let doc: any;
  let raw: string;
  beforeAll(() => {
    const { res, json } = runJson(['count', '--format', 'json', 'audit.log'], { cwd: DIR });
    doc = json;
    raw = res.stdout;
  });

  it('fixture is the 15 spec lines (line 10 syslog header, line 11 rotation marker)', () => {
    const lines = read('audit.log').split('\n');
    expect(lines.length).toBe(16);
    expect(lines[15]).toBe('');
    expect(lines[9]!.startsWith('May 20 08:00:00 vault-1 vault[812]: {')).toBe(true);
    expect(lines[10]).toBe('--- audit log rotated ---');
  });

  it('V11 count --format json deep-equals the full §13 document (inputs, warnings, rules included)', () => {
    expect(splitClientIdCheck(doc).doc).toEqual(expected);
  });

  it('V11 keys appear in the §10 order', () => {
    const plain = splitClientIdCheck(JSON.parse(raw)).doc;
    expect(keyOrder(plain)).toEqual(keyOrder(expected));
    expect(JSON.stringify(plain)).toBe(JSON.stringify(expected));
  });

  it('V4 client_id_check: line 6 is the only non-entity request logging client_id, and it matches', () => {
    // Line 3 logs an entity's id (not a non-entity check); lines 10 and 15 log none.
    expect(splitClientIdCheck(doc).check).toEqual({ checked: 1, mismatched: 0 });
    expect(doc.warnings.some((w: string) => w.startsWith('client-id-mismatch'))).toBe(false);
  });

  it('V9 total 5 = root 4 + ns1 1; the month sum (7) is not the total', () => {
    expect(doc.total).toEqual({ clients: 5, entity_clients: 3, non_entity_clients: 2, secret_syncs: 0, acme_clients: 0 });
    expect(doc.months.map((m: any) => m.counts.clients)).toEqual([3, 4]);
    expect(doc.months.map((m: any) => m.new_clients.counts.clients)).toEqual([3, 2]);
  });

  it('V3 exclusions: no_token (1), error (8), root (9), wrapping (7); 8 countable', () => {
    expect(doc.inputs.requests).toEqual({
      countable: 8,
      out_of_range: 0,
      excluded: { no_token: 1, error: 1, policy_denied: 0, login: 0, root: 1, wrapping: 1 },
    });
  });

  it('V1 B2 line 11 is malformed (no JSON object on line), syslog header of line 10 skipped', () => {
    expect(doc.inputs.malformed).toBe(1);
    expect(doc.inputs.files[0].malformed_examples).toEqual([{ line: 11, reason: 'no JSON object on line' }]);
    expect(raw).not.toContain('audit log rotated');
  });

  it('V6 tokens registered from responses 2 and 5; attribution issuer 4, display_name 1, token_mount 1, unknown 1', () => {
    expect(doc.inputs.tokens_registered).toBe(2);
    expect(doc.inputs.attribution).toEqual({ issuer: 4, display_name: 1, token_mount: 1, unknown: 1 });
  });

  it('V5 V7 token-… display name in ns1/ → token mount of ns1/ (ns_token/)', () => {
    const ns1 = doc.by_namespace.find((n: any) => n.namespace_id === 'aBcD1');
    expect(ns1.namespace_path).toBe('ns1/');
    expect(ns1.mounts).toEqual([
      { mount_path: 'auth/token/', mount_type: 'ns_token/', counts: { clients: 1, entity_clients: 0, non_entity_clients: 1, secret_syncs: 0, acme_clients: 0 } },
    ]);
  });

  it('V12 clients --format csv equals the §13 CSV byte for byte', () => {
    const res = runCli(['clients', '--format', 'csv', 'audit.log'], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(read('worked-example.clients.csv'));
  });

  it('V12 clients --format jsonl gives the same records, keys in header order', () => {
    const res = runCli(['clients', '--format', 'jsonl', 'audit.log'], { cwd: DIR });
    expect(res.code, res.stderr).toBe(0);
    const got = parseJsonl(res.stdout);
    const want = parseJsonl(read('worked-example.clients.jsonl'));
    expect(got).toEqual(want);
    for (const r of got) {
      expect(Object.keys(r)).toEqual([
        'client_id', 'client_type', 'namespace_id', 'namespace_path', 'mount_accessor', 'mount_path', 'mount_type',
        'token_creation_time', 'client_first_usage_time',
      ]);
    }
  });

  it('V7 display-name fallback attributes userpass-carol to auth/userpass/ (mount issued line 2)', () => {
    const res = runCli(['clients', '--format', 'jsonl', 'audit.log'], { cwd: DIR });
    const carol = parseJsonl(res.stdout).find((r) => r.client_id === 'c4a9e0b2-1d3f-4e5a-8b6c-7d8e9f0a1b2c');
    expect(carol).toEqual({
      client_id: 'c4a9e0b2-1d3f-4e5a-8b6c-7d8e9f0a1b2c', client_type: 'entity', namespace_id: 'root', namespace_path: '',
      mount_accessor: 'auth_userpass_4f2c7a1e', mount_path: 'auth/userpass/', mount_type: 'userpass',
      token_creation_time: '2024-06-04T09:58:00Z', client_first_usage_time: '2024-06-04T10:00:00Z',
    });
  });

  it('B2 no token or accessor HMAC appears in any output', () => {
    const outs = [raw, runCli(['clients', '--format', 'csv', 'audit.log'], { cwd: DIR }).stdout];
    for (const o of outs) expect(o).not.toMatch(/hmac-sha256/);
  });
});
