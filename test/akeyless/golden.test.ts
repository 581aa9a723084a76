// Golden tests through the built CLI (`npm test` builds first): the spec's §8 worked example with
// and without --merge-humans, its JSON-array and S3-tree variants, the output formats, --quota,
// and simulated accounts (fixtures/generators/akeyless-sim.ts) whose ground truth the simulator
// computed on its own.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAkeyless } from '../../fixtures/generators/akeyless-sim.js';
import { REPO_ROOT, parseJsonl, runCli, runJson } from '../helpers/cli.js';

const FIX = path.join(REPO_ROOT, 'fixtures', 'akeyless');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected-count.json'), 'utf8'));
const withoutInputs = (j: Record<string, unknown>): Record<string, unknown> => {
  const { inputs: _inputs, ...rest } = j;
  return rest;
};

describe('§8 worked example (golden)', () => {
  it('A1-A4: count --format json equals the spec JSON exactly, key order included', () => {
    const { res, json } = runJson(['count', '--platform', 'akeyless', '--format', 'json', 'events.jsonl', 'gateway.log'], { cwd: FIX });
    expect(json).toEqual(expected);
    expect(res.stdout.indexOf('"platform"')).toBeLessThan(res.stdout.indexOf('"start_time"'));
    expect(Object.keys(json)).toEqual(Object.keys(expected));
    expect(Object.keys(json.inputs.files[0])).toEqual(Object.keys(expected.inputs.files[0]));
  });

  it('A5: --merge-humans gives the numbers the spec states', () => {
    const { json } = runJson(['count', '--platform', 'akeyless', '--format', 'json', '--merge-humans', 'events.jsonl', 'gateway.log'], { cwd: FIX });
    expect(json.total).toEqual({ clients: 10, monthly_sum: 13 });
    expect(json.months[1].counts.clients).toBe(5);
    expect(json.months[1].new_clients.counts.clients).toBe(2);
    expect(json.by_product).toEqual([{ product: 'sm', clients: 9 }, { product: 'sra', clients: 1 }]);
    expect(json.by_auth_method.map((r: { access_type: string }) => r.access_type)).not.toContain('oidc');
    expect(json.by_access_id.map((r: { access_id: string }) => r.access_id)).not.toContain('p-x7oidc9k2m4q');
    expect(json.by_access_id[0]).toEqual({ access_id: 'p-mcidcla45c0cam', access_type: 'saml', clients: 4 });
    expect(json.inputs.options.merge_humans).toBe(true);
    expect(json.warnings).toContain('merge-humans: human identities sharing a unique_id were merged across access ids; counts are approximate');
  });

  it('A1: the JSON-array variant and the S3 directory tree give the same counts (auto-detected)', () => {
    const arr = runJson(['count', '--format', 'json', 'events-array.json', 'gateway.log'], { cwd: FIX }).json;
    expect(withoutInputs(arr)).toEqual(withoutInputs(expected));
    expect(arr.inputs.files[0].format).toBe('json-array');
    const s3 = runJson(['count', '--format', 'json', 's3'], { cwd: FIX }).json;
    expect(withoutInputs(s3)).toEqual(withoutInputs(expected));
    expect(s3.inputs.files).toHaveLength(14);
    expect(s3.inputs.files[0].path).toBe(path.join('s3', 'akeyless-log', '2026', '02', '02', 'akeyless-audit_2026-02-02T09:10.log'));
    expect(s3.inputs.counted).toBe(14);
  });

  it('table output states the platform, both totals and the per-month access-id breakdown', () => {
    const detected = runCli(['count', 'events.jsonl', 'gateway.log'], { cwd: FIX });
    expect(detected.code).toBe(0);
    expect(detected.stdout).toContain('Platform: akeyless (detected)');
    expect(detected.stdout).toContain('Distinct clients: 11');
    expect(detected.stdout).toContain('Billable client-months (sum of monthly counts): 14');
    expect(detected.stdout).toMatch(/Month 2026-03: 6 client\(s\), 3 new[\s\S]*p-x7oidc9k2m4q/);
    const given = runCli(['count', '--platform', 'akeyless', 'events.jsonl'], { cwd: FIX });
    expect(given.stdout).toContain('Platform: akeyless (--platform)');
  });

  it('--quota adds the quota key after months and flags months and the annual true-up', () => {
    const { json } = runJson(['count', '--platform', 'akeyless', '--format', 'json', '--quota', '7', 'events.jsonl', 'gateway.log'], { cwd: FIX });
    expect(Object.keys(json)).toEqual(['platform', 'start_time', 'end_time', 'total', 'by_product', 'by_auth_method', 'by_access_id', 'months', 'quota', 'warnings', 'inputs']);
    expect(json.quota).toEqual({ monthly: 7, annual: 84, months_over: ['2026-02'], annual_used: 14, annual_over: false });
    const table = runCli(['count', '--platform', 'akeyless', '--quota', '1', 'events.jsonl', 'gateway.log'], { cwd: FIX }).stdout;
    expect(table).toContain('annual true-up: 14 of 12 — OVER by 2');
    expect(table).toMatch(/2026-02\s+8\s+8\s+OVER \(\+7\)/);
  });

  it('count --format csv: one row per (month, product, access_type, access_id); rows sum to monthly counts', () => {
    const out = runCli(['count', '--platform', 'akeyless', '--format', 'csv', 'events.jsonl', 'gateway.log'], { cwd: FIX }).stdout;
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('month,product,access_type,access_id,clients,new_clients');
    expect(out).not.toContain('\r');
    const sums = new Map<string, number>();
    for (const l of lines.slice(1)) {
      const c = l.split(',');
      sums.set(c[0]!, (sums.get(c[0]!) ?? 0) + Number(c[4]));
    }
    expect([...sums]).toEqual([['2026-02', 8], ['2026-03', 6]]);
  });

  it('clients: one record per client with months, first/last seen, never a token id (B2)', () => {
    const out = runCli(['clients', '--platform', 'akeyless', 'events.jsonl', 'gateway.log'], { cwd: FIX }).stdout;
    const recs = parseJsonl(out);
    expect(recs).toHaveLength(11);
    const alice = recs.find((r) => r.product === 'sm' && r.unique_id === 'alice@example.com' && r.access_type === 'saml');
    expect(alice).toMatchObject({ access_id: 'p-mcidcla45c0cam', identity: 'uid', months: ['2026-02', '2026-03'], first_seen: '2026-02-02T10:02:55.771Z', last_seen: '2026-03-03T08:00:00Z' });
    expect(out).not.toContain('ywzsub3u4tbu');
    const csv = runCli(['clients', '--platform', 'akeyless', '--format', 'csv', 'events.jsonl', 'gateway.log'], { cwd: FIX }).stdout;
    expect(csv.split('\n')[0]).toBe('client_id,product,access_id,access_type,identity,unique_id,config_name,namespace,comment,token,months,first_seen,last_seen');
    expect(csv.trimEnd().split('\n')).toHaveLength(12);
  });

  it('--from/--to restrict the range; months follow the range', () => {
    const { json } = runJson(['count', '--platform', 'akeyless', '--format', 'json', '--from', '2026-03-01', '--to', '2026-04-30', 'events.jsonl', 'gateway.log'], { cwd: FIX });
    expect(json.start_time).toBe('2026-03-01T00:00:00Z');
    expect(json.end_time).toBe('2026-04-30T23:59:59Z');
    expect(json.months.map((m: { counts: { clients: number }; new_clients: { counts: { clients: number } } }) => [m.counts.clients, m.new_clients.counts.clients])).toEqual([[6, 6], [0, 0]]);
    expect(json.inputs.out_of_range).toBe(9);
    expect(json.inputs.options).toEqual({ from: '2026-03-01', to: '2026-04-30', merge_humans: false, strict: false });
  });

  it('--strict exits 3 on malformed lines but still writes the report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akeyless-strict-'));
    fs.copyFileSync(path.join(FIX, 'events.jsonl'), path.join(dir, 'a.jsonl'));
    fs.appendFileSync(path.join(dir, 'a.jsonl'), 'garbage\n');
    const r = runCli(['count', '--platform', 'akeyless', '--strict', '--format', 'json', path.join(dir, 'a.jsonl')]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).inputs.malformed).toBe(1);
  });
});

describe('simulated accounts (golden, independent ground truth)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'akeyless-sim-'));
  for (const seed of [1, 2, 3, 7, 42]) {
    it(`A1-A5: seed ${seed}: counts equal the simulator's ground truth, with and without --merge-humans`, () => {
      const dir = path.join(root, `seed-${seed}`);
      const sim = generateAkeyless(dir, { seed });
      for (const [variant, flags] of [['default', []], ['merge_humans', ['--merge-humans']]] as const) {
        const { json } = runJson(['count', '--platform', 'akeyless', '--format', 'json', ...flags, path.join(dir, 'logs')]);
        const want = sim.expected[variant];
        const { inputs, ...rest } = want;
        for (const [k, v] of Object.entries(rest)) expect(json[k], `${variant} ${k}`).toEqual(v);
        for (const [k, v] of Object.entries(inputs)) expect(json.inputs[k], `${variant} inputs.${k}`).toEqual(v);
        expect(json.inputs.files.map((f: { format: string }) => f.format)).toEqual(['jsonl', 'json-array', 'text']);
      }
    });
  }

  it('the simulator is deterministic per seed', () => {
    const a = generateAkeyless(path.join(root, 'det-a'), { seed: 9 });
    const b = generateAkeyless(path.join(root, 'det-b'), { seed: 9 });
    expect(a.expected).toEqual(b.expected);
    for (const f of ['audit.jsonl', 'export.json', 'gateway.log']) {
      expect(fs.readFileSync(path.join(root, 'det-a', 'logs', f))).toEqual(fs.readFileSync(path.join(root, 'det-b', 'logs', f)));
    }
  });
});
