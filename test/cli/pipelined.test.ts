// End to end: a pipelined run (--jobs 2 on plain inputs, src/parallel/pipelined.ts: a worker reads
// and projects, this thread folds) prints byte-identical reports, warnings and malformed-line
// examples to --jobs 1 and to the two-collector mode (CLIENT_AUDITOR_PIPELINE=0), on inputs that take
// every path of the projection stream: records, lines sent as bytes (invalid JSON, no JSON object,
// values the records cannot carry, a missing --prefix), a line longer than a batch, JSON arrays and
// value streams, a broken array, a truncated last line, a BOM, CRLF and blank lines.

import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cli, H, jsonl, login, req, resp, richLog, tempDir } from '../support/vault.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('ca-cli-pipe-');
});

/** Runs `args` pipelined, with --jobs 1 and in the two-collector mode; all three must agree. */
function expectSameEverywhere(args: string[], code = 0): string {
  const pipelined = cli([...args, '--jobs', '2'], { env: { CLIENT_AUDITOR_TIMING: '1' } });
  const one = cli([...args, '--jobs', '1']);
  const twoCollectors = cli([...args, '--jobs', '2'], { env: { CLIENT_AUDITOR_PIPELINE: '0' } });
  expect(one.code, one.stderr).toBe(code);
  // The run really was pipelined (its phase marks name it).
  expect(pipelined.stderr).toMatch(/ms since start: .*pipelined \d+/);
  const withoutTiming = pipelined.stderr.split('\n').filter((l) => !l.startsWith('timing: ')).join('\n');
  for (const [name, r] of [['pipelined', { ...pipelined, stderr: withoutTiming }], ['two collectors', twoCollectors]] as const) {
    expect(r.code, name).toBe(one.code);
    expect(r.stdout === one.stdout, `${name} stdout`).toBe(true);
    expect(r.stderr, `${name} stderr`).toBe(one.stderr);
  }
  return one.stdout;
}

function generated(n: number, seed: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = `2024-0${1 + (i % 5)}-${String(1 + (i % 27)).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
    const tok = H(`p${seed}-${i % 900}`);
    if (i % 4 === 0) out.push(JSON.stringify(login({ time: t, mount: `m${i % 5}`, type: 'userpass', token: tok, accessor: H(`pa${seed}-${i % 900}`), entity: `ent-${i % 300}` })));
    else if (i % 4 === 1) out.push(JSON.stringify(resp({ time: t, path: 'auth/token/create', token: H(`pc${i % 500}`), accessor: H(`pca${i % 500}`), policies: ['default', `pol-${i % 9}`] })));
    else out.push(JSON.stringify(req({ time: t, token: i % 3 ? tok : H(`pc${i % 500}`), entity: i % 3 ? `ent-${i % 300}` : undefined, displayName: `user-${i % 40}`, policies: ['default'] })));
  }
  return out;
}

describe('pipelined runs (--jobs 2, plain inputs) equal --jobs 1 and the two-collector mode', () => {
  it('on a log with every kind of damaged, odd and long line', () => {
    const lines = generated(6000, 1);
    const long = 'x'.repeat(600);
    const odd = [
      'Dec  6 10:00:00 host vault[1]: ' + JSON.stringify(req({ time: '2024-02-02T00:00:00Z', token: H('syslog'), entity: 'ent-sys' })),
      'no json object on this line',
      '{"time":"2024-02-02T00:00:00Z","type":"request","auth":{"client_token":"' + H('broken') + '"', // invalid JSON
      JSON.stringify(req({ time: '2024-02-03T00:00:00Z', token: H('long-name'), displayName: long, entity: 'ent-long' })), // over 512 bytes
      JSON.stringify(req({ time: '2024-02-03T00:00:00Z', token: H('unicode'), displayName: 'naïve ✓ 日本', entity: 'ent-ü' })),
      JSON.stringify(req({ time: '2024-02-03T00:00:00Z', token: H('esc'), displayName: 'a\u0000"b\\c', path: 'secret/ünï' })),
      JSON.stringify({ type: 'request', auth: { client_token: H('notime') } }), // missing time
      // Over LONG_LINE (1 MiB): projected by the worker's projector for long lines.
      JSON.stringify(req({ time: '2024-02-04T00:00:00Z', token: H('huge'), entity: 'ent-huge', extra: { request: { data: { pad: 'p'.repeat(1_200_000) } } } })),
      // Invalid and longer than a batch of the ring (512 KiB): sent alone as a large record.
      '{"time":"2024-02-04T00:00:00Z","type":"request","x":"' + 'q'.repeat(700_000),
      '   ',
      '',
    ];
    const body = [...lines.slice(0, 3000), ...odd, ...lines.slice(3000)].join('\r\n');
    const file = path.join(dir, 'odd.log');
    // A BOM first, CRLF line ends, and a last line cut mid-entry (a file still being written).
    fs.writeFileSync(file, '\ufeff' + body + '\r\n' + '{"time":"2024-05-01T00:00:00Z","type":"req');
    const out = expectSameEverywhere(['count', '--format', 'json', file]);
    const doc = JSON.parse(out);
    expect(doc.inputs.files[0].malformed).toBeGreaterThanOrEqual(3);
    expect(doc.inputs.files[0].truncated_last_line).toBe(true);
    expect(doc.total.clients).toBeGreaterThan(100);
    expectSameEverywhere(['clients', '--format', 'csv', file]);
  }, 120_000);

  it('with --prefix: lines without it are malformed, the rest parsed after it', () => {
    const file = path.join(dir, 'prefixed.log');
    const lines = generated(3000, 2).map((l, i) => (i % 97 === 5 ? l : `audit{x}: ${l}`));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const out = expectSameEverywhere(['count', '--format', 'json', '--prefix', 'audit{x}: ', file]);
    expect(JSON.parse(out).inputs.files[0].malformed).toBe(31);
  });

  it('on lines files, a JSON array, a broken array and a value stream in one run', () => {
    const entries = richLog().filter((e) => typeof e !== 'string');
    const linesFile = path.join(dir, 'mix-lines.log');
    fs.writeFileSync(linesFile, generated(2000, 3).join('\n') + '\n');
    const array = path.join(dir, 'mix-array.json');
    fs.writeFileSync(array, JSON.stringify(entries, null, 1));
    const broken = path.join(dir, 'mix-broken.json');
    fs.writeFileSync(broken, JSON.stringify(generated(400, 4).map((l) => JSON.parse(l))).slice(0, -3000) + ',{"time":');
    const stream = path.join(dir, 'mix-stream.json');
    fs.writeFileSync(stream, entries.map((e) => JSON.stringify(e, null, 2)).join('\n'));
    const plain = path.join(dir, 'mix-rich.log');
    fs.writeFileSync(plain, jsonl(richLog()));
    const out = expectSameEverywhere(['count', '--format', 'json', linesFile, array, broken, stream, plain]);
    // Every file was read (the array and the stream as values), and the broken array stopped at its break.
    const files = JSON.parse(out).inputs.files as { entries: Record<string, number>; malformed: number }[];
    for (const f of files) expect(Object.values(f.entries).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(files.map((f) => f.malformed)).toEqual([0, 0, 1, 0, 1]);
    expectSameEverywhere(['clients', '--format', 'jsonl', stream, linesFile, broken, array]);
  }, 120_000);

  it('under every counting profile, a date range and --strict', () => {
    const file = path.join(dir, 'profiles.log');
    fs.writeFileSync(file, [...generated(3000, 5), 'not json', ...jsonl(richLog()).split('\n')].join('\n') + '\n');
    for (const rules of ['current', 'vault-1.9', 'vault-1.8', 'vault-1.6', 'legacy-auditor']) {
      expectSameEverywhere(['count', '--format', 'json', '--rules', rules, file]);
    }
    expectSameEverywhere(['count', '--format', 'json', '--from', '2024-02-01', '--to', '2024-03-31', file]);
    expectSameEverywhere(['count', '--strict', file], 3);
  }, 120_000);

  it('is not used where the run cannot be pipelined: Akeyless, stdin, compressed input', () => {
    const marks = (args: string[], input?: string): string => {
      const r = cli(args, { env: { CLIENT_AUDITOR_TIMING: '1' }, input });
      expect(r.stderr).toMatch(/ms since start: /);
      return r.stderr;
    };
    expect(marks(['count', '--jobs', '2', 'fixtures/akeyless/events.jsonl'])).not.toMatch(/pipelined/);
    expect(marks(['count', '--jobs', '2', '-'], fs.readFileSync('fixtures/vault/audit.log', 'utf8'))).not.toMatch(/pipelined/);
    const gz = path.join(dir, 'audit.log.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync('fixtures/vault/audit.log')));
    expect(marks(['count', '--jobs', '2', gz])).not.toMatch(/pipelined/);
    expect(marks(['count', '--jobs', '2', 'fixtures/vault/audit.log'])).toMatch(/pipelined/);
  });
});
