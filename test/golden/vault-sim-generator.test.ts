/**
 * Self-consistency of the ground-truth generator (fixtures/generators/vault-sim.ts).
 * These tests do not run the tool: they check that the simulator is deterministic, that its
 * client-id function matches spec §6.2, and that its expected documents are internally coherent.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { computeClientId } from '../../fixtures/generators/vault-sim.js';
import { makeCluster, tempDir, type SimCluster } from '../helpers/sim.js';

const SMALL = { months: 8, actionsPerMonth: 90, entities: 24, roles: 8 };

function readAll(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

describe('V4 client-id test vectors (spec §6.2) against the generator', () => {
  const vectors: [string[], string, string][] = [
    [['bar', 'baz', 'foo', 'banana'], 'namespaceFoo', 'jPwsxFzwa/2a5D/l0RhCokbQl8RN3AWROaF4Kk6wnj4='],
    [['default', 'kv-read'], 'root', '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM='],
    [[], 'namespaceFoo', 'oXRLDOqpEXgZAytAzBYRvx3MPXzeW6Eezee4JEaluQw='],
    [['bar', 'baz', 'foo', 'banana'], '', 'whTKnXBHqJZTxxt7p3/dS32AZINI+K7J27MV0qlM1qA='],
    [[], '', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
    [['default'], 'root', 'g0A6QFkmfBoCzvwgAWlrwXxqmnxezsz9P+RmbKWtbTM='],
    [['my-policy', 'default'], 'root', 'OCJCRf9J6HVrOQmQHRv9LOl75k4O2QN0MSn3QsauTWA='],
    [['default', 'dev'], 'root', '8xyzM6eufMSA0QjdQbBcxXqQ/K7/7VcB1fQBRGvOZfM='],
    [['kv-read'], 'root', 'pjEeHK0dgpoOUxDh/501XwosI8ZVf+Kp2EJKb2xJiKI='],
    [['default', 'ns-app'], 'aBcD1', 'wkGbA8pJqqExzeMfdE0azFx6gRJh7g37beLwz5GO3Ec='],
    [['app-continuous-delivery', 'app-github-runner', 'default'], 'root', 'oEpokl6YdZE1dtOcVOIz+pmp/xKHNN/3/NRj69OaZBA='],
    [['default', 'default'], 'root', 'CMzkR4xnEog3bX4HUGRJT3TwAqYZBSsRA95NjxFtXW0='],
    [['b', 'B', 'a'], 'root', 'gcRXjkh+DYWeTySJ2CjU8TdepAykjE28tWO0pB+bHrM='],
    [['response-wrapping'], 'root', 'rWML+2xGX2RJUpB3xHagF8KeTWTAmWcNtQxfM8tzpH8='],
    [['control-group'], 'root', 'cF3iQHLtZ1sFIljuKwYeu50jKAia6I5/mULsXpkcGL8='],
    [['\u{1F600}', '\uFF21'], 'root', 'GgjjJr+H+IJbNU8EZKb3qaz6+38XSGphoZCPzBFliIA='],
  ];
  for (const [pol, ns, id] of vectors) {
    it(`V4 ${JSON.stringify(pol)} in ${JSON.stringify(ns)} → ${id}`, () => {
      expect(computeClientId(pol, ns)).toBe(id);
    });
  }
  it('V4 sorting is by UTF-8 bytes, not UTF-16 code units', () => {
    expect(computeClientId(['\u{1F600}', '\uFF21'], 'root')).not.toBe('4Q0gig5vakvjNLX42FKYrcLk3gozxqWpy2tLWpbRaos=');
  });
});

describe('vault-sim determinism and ground-truth coherence', () => {
  let a: SimCluster;
  let b: SimCluster;
  let c: SimCluster;
  beforeAll(async () => {
    a = await makeCluster({ seed: 7, ...SMALL, gzipSome: true, overlap: 2, truncateLast: true });
    b = await makeCluster({ seed: 7, ...SMALL, gzipSome: true, overlap: 2, truncateLast: true });
    c = await makeCluster({ seed: 8, ...SMALL, gzipSome: true, overlap: 2, truncateLast: true });
  });
  afterAll(() => {
    for (const x of [a, b, c]) if (x) fs.rmSync(path.dirname(x.dir), { recursive: true, force: true });
  });

  it('same seed → identical bytes (logs and expected files)', () => {
    const fa = readAll(a.dir);
    const fb = readAll(b.dir);
    expect(Object.keys(fa)).toEqual(Object.keys(fb));
    expect(fa).toEqual(fb);
  });

  it('different seed → different logs', () => {
    const fa = readAll(a.dir);
    const fc = readAll(c.dir);
    expect(fa['audit-001.log']).not.toBe(fc['audit-001.log']);
  });

  it('B1 file stats match the bytes written (lines, entries, gzip, truncated tail)', () => {
    const files = a.expected('files.json') as any[];
    expect(files.map((f) => f.path)).toEqual(a.files);
    for (const f of files) {
      let buf = fs.readFileSync(path.join(a.dir, f.path));
      if (f.path.endsWith('.gz')) buf = zlib.gunzipSync(buf);
      const text = buf.toString('utf8');
      const parts = text.split('\n');
      const lines = parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
      expect(lines).toBe(f.lines);
      expect(f.truncated_last_line).toBe(!text.endsWith('\n'));
    }
    expect(files[files.length - 1].truncated_last_line).toBe(true);
  });

  it('V9 V11 every case is internally coherent', () => {
    const idx = a.expected('cases.json');
    expect(idx.cases.length).toBeGreaterThanOrEqual(4);
    for (const cs of idx.cases) {
      const d = a.expected(cs.countFile);
      const clients = a.expectedText(cs.clientsFile).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      // total = distinct clients = export records
      expect(d.total.clients).toBe(clients.length);
      expect(d.total.clients).toBe(d.total.entity_clients + d.total.non_entity_clients);
      // every client is new exactly once
      const newSum = d.months.reduce((s: number, m: any) => s + m.new_clients.counts.clients, 0);
      expect(newSum).toBe(d.total.clients);
      // requests add up to the request entries
      const r = d.inputs.requests;
      const ex = Object.values(r.excluded as Record<string, number>).reduce((s, n) => s + n, 0);
      expect(r.countable + r.out_of_range + ex).toBe(d.inputs.entries.request);
      // attribution counts client-months
      const cm = d.months.reduce((s: number, m: any) => s + m.counts.clients, 0);
      const at = Object.values(d.inputs.attribution as Record<string, number>).reduce((s, n) => s + n, 0);
      expect(at).toBe(cm);
      expect(d.kmip.months.map((m: any) => m.timestamp)).toEqual(d.months.map((m: any) => m.timestamp));
      // export order (§11)
      const ids = clients.map((x: any) => x.client_first_usage_time);
      expect(ids.length).toBe(clients.length);
    }
  });

  it('scenarios are covered: every exclusion reason and every attribution source occurs', () => {
    const d = a.expected('count-current.json');
    for (const [k, v] of Object.entries(d.inputs.requests.excluded)) expect(v, k).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(d.inputs.attribution)) expect(v, k).toBeGreaterThan(0);
    expect(d.kmip.clients).toBeGreaterThan(0);
    expect(d.kmip.entries_without_serial).toBeGreaterThan(0);
    expect(d.inputs.malformed).toBeGreaterThan(0);
    expect(d.total.non_entity_clients).toBeGreaterThan(0);
    expect(d.by_namespace.length).toBeGreaterThanOrEqual(3);
    const r = a.expected('cases.json').cases.find((x: any) => x.args.includes('--from'));
    expect(a.expected(r.countFile).inputs.requests.out_of_range).toBeGreaterThan(0);
  });

  it('scale: --target-bytes writes about that many bytes', async () => {
    const big = await makeCluster({ seed: 11, months: 6, targetBytes: 12_000_000, hugeLines: 3 }, tempDir('vault-sim-big-'));
    expect(big.bytes).toBeGreaterThan(9_000_000);
    expect(big.bytes).toBeLessThan(16_000_000);
    fs.rmSync(big.dir, { recursive: true, force: true });
  });
});
