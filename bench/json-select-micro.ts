/**
 * Micro-benchmark: selectJson vs JSON.parse on Vault audit lines.
 *
 *   npm run build && node dist/bench/json-select-micro.js [seconds-per-case]
 *
 * Reports MB/s of line bytes for:
 *   - JSON.parse(str)              (string already decoded; the pure parse cost)
 *   - JSON.parse(buf.toString())   (decode + parse, what a Buffer-based reader pays today)
 *   - selectJson(buf)              (validate everything, materialise the collector's selection)
 */
import { readFileSync } from 'node:fs';
import { compileSelection, selectJson, type Selection } from '../src/ingest/json-select.js';

const SEL: Selection = {
  time: true,
  type: true,
  error: true,
  client_certificate_serial_number: true,
  auth: {
    client_token: true,
    accessor: true,
    display_name: true,
    policies: true,
    token_policies: true,
    entity_id: true,
    policy_results: true,
    token_issue_time: true,
  },
  request: {
    client_id: true,
    client_token: true,
    client_token_accessor: true,
    namespace: true,
    path: true,
    mount_point: true,
    mount_type: true,
    mount_accessor: true,
    client_certificate_serial_number: true,
  },
  response: { auth: true, mount_type: true, mount_accessor: true, wrap_info: true },
};

let seed = 12345;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}
const hex = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
};
const hmac = (): string => 'hmac-sha256:' + hex(64);

/** A typical Vault KV read response line (~2 KB, mostly HMAC strings in response.data). */
function responseLine(): string {
  const data: Record<string, string> = {};
  for (let i = 0; i < 14; i++) data['key_' + hex(6)] = hmac();
  const o = {
    time: '2024-05-06T10:15:02.201934Z',
    type: 'response',
    auth: {
      client_token: hmac(),
      accessor: hmac(),
      display_name: 'approle',
      policies: ['default', 'app-read'],
      token_policies: ['default', 'app-read'],
      policy_results: { allowed: true, granting_policies: [{ name: 'app-read', namespace_id: 'root', type: 'acl' }] },
      metadata: { role_name: 'app' },
      entity_id: '7d2e3d66-3a1b-9c4e-0f8e-5e2a9b6c1d00',
      token_type: 'service',
      token_ttl: 2764800,
      token_issue_time: '2024-05-06T10:00:00Z',
    },
    request: {
      id: '5a3c2b1d-0000-4a4a-8b8b-123456789abc',
      client_id: '7d2e3d66-3a1b-9c4e-0f8e-5e2a9b6c1d00',
      operation: 'read',
      mount_point: 'secret/',
      mount_type: 'kv',
      mount_accessor: 'kv_1a2b3c4d',
      mount_running_version: 'v0.17.0+builtin',
      client_token: hmac(),
      client_token_accessor: hmac(),
      namespace: { id: 'root' },
      path: 'secret/data/app/config',
      remote_address: '10.0.4.17',
      remote_port: 51234,
      headers: { 'x-request-id': [hmac()] },
    },
    response: {
      mount_point: 'secret/',
      mount_type: 'kv',
      mount_accessor: 'kv_1a2b3c4d',
      data: { data: data, metadata: { created_time: hmac(), version: 3, destroyed: false, custom_metadata: null } },
    },
  };
  return JSON.stringify(o);
}

function bench(name: string, bytes: number, fn: () => number, seconds: number): number {
  // warm-up
  let sink = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300) sink += fn();
  let iters = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    for (let i = 0; i < 20; i++) sink += fn();
    iters += 20;
    now = performance.now();
  }
  const mbs = (bytes * iters) / ((now - start) / 1000) / 1e6;
  console.log(`  ${name.padEnd(28)} ${mbs.toFixed(0).padStart(6)} MB/s  (sink ${sink % 10})`);
  return mbs;
}

function suite(label: string, lines: string[], seconds: number): void {
  const compiled = compileSelection(SEL);
  const strs = lines;
  const buf = Buffer.from(lines.join('\n') + '\n');
  const offs: number[] = [];
  let s = 0;
  for (const l of lines) {
    const e = s + Buffer.byteLength(l);
    offs.push(s, e);
    s = e + 1;
  }
  const bytes = buf.length - lines.length;
  // sanity: same answers
  for (let i = 0; i < lines.length; i++) {
    const r = selectJson(buf, offs[2 * i]!, offs[2 * i + 1]!, compiled);
    if (!r.ok) throw new Error('selectJson rejected a valid line: ' + lines[i]!.slice(0, 200));
  }
  console.log(`${label}: ${lines.length} lines, ${(bytes / lines.length).toFixed(0)} B/line avg`);
  const a = bench('JSON.parse(str)', bytes, () => {
    let n = 0;
    for (let i = 0; i < strs.length; i++) n += (JSON.parse(strs[i]!) as { type: string }).type.length;
    return n;
  }, seconds);
  const b = bench('JSON.parse(buf.toString())', bytes, () => {
    let n = 0;
    for (let i = 0; i < strs.length; i++) {
      n += (JSON.parse(buf.toString('utf8', offs[2 * i]!, offs[2 * i + 1]!)) as { type: string }).type.length;
    }
    return n;
  }, seconds);
  const c = bench('selectJson(buf)', bytes, () => {
    let n = 0;
    for (let i = 0; i < strs.length; i++) {
      const r = selectJson(buf, offs[2 * i]!, offs[2 * i + 1]!, compiled);
      if (r.ok) n += (r.value as { type: string }).type.length;
    }
    return n;
  }, seconds);
  console.log(`  ratio selectJson / JSON.parse(str): ${(c / a).toFixed(2)}x; vs decode+parse: ${(c / b).toFixed(2)}x`);
}

const seconds = Number(process.argv[2] ?? '2');
const synth: string[] = [];
for (let i = 0; i < 200; i++) synth.push(responseLine());
suite('synthetic Vault KV response lines', synth, seconds);

try {
  const real = readFileSync(new URL('../../fixtures/real/vault-public-samples.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'));
  suite('fixtures/real/vault-public-samples.jsonl', real, seconds);
} catch (e) {
  console.log('(real fixture not found: ' + String(e) + ')');
}
