// End to end: --jobs 1, 2 and 3 give byte-identical output, on several files and on one file
// large enough to be split into byte ranges (src/parallel/plan.ts, SPLIT_MIN_BYTES = 64 MiB).
import { describe, it, expect, beforeAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BlockBuffers } from '../../src/parallel/block-buffers.js';
import { BLOCK_BYTES, blockTasks } from '../../src/parallel/blocks.js';
import { planTasks, SPLIT_MIN_BYTES } from '../../src/parallel/plan.js';
import { cli, tempDir, jsonl, req, resp, login, H } from '../support/vault.js';

function lineFor(i: number): string {
  const day = 1 + (i % 28);
  const month = 1 + (Math.floor(i / 1000) % 6);
  const t = `2024-0${month}-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.${String(i % 1000).padStart(3, '0')}Z`;
  const k = i % 10;
  if (i % 5003 === 0) return `garbage line ${i}`;
  if (i % 7919 === 0) return '   ';
  const ns = i % 3 === 0 ? { id: 'nsA', path: 'team-a/' } : { id: 'root' };
  if (k === 0) {
    return JSON.stringify(login({ time: t, mount: `m${i % 7}`, type: 'userpass', token: H(`t${i % 4000}`), accessor: H(`a${i % 4000}`), entity: `ent-${i % 900}`, mountAccessor: `acc_m${i % 7}`, ns: ns.id === 'root' ? undefined : ns, nsPath: ns.id === 'root' ? '' : 'team-a/' }));
  }
  if (k === 1) return JSON.stringify(resp({ time: t, path: 'auth/token/create', token: H(`c${i % 3000}`), accessor: H(`ca${i % 3000}`), policies: [`pol-${i % 50}`, 'default'] }));
  if (k === 2) return JSON.stringify(req({ time: t, token: H(`c${(i * 7) % 3000}`), policies: [`pol-${(i * 7) % 50}`, 'default'], displayName: 'token', ns }));
  if (k === 3) return JSON.stringify(req({ time: t, accessor: H(`a${(i * 13) % 4000}`), entity: `ent-${(i * 13) % 900}`, displayName: `m${i % 7}-user`, ns }));
  if (k === 4) return JSON.stringify(req({ time: '2024-03-15T12:00:00Z', token: H(`t${i % 4000}`), entity: `ent-${i % 1200}`, displayName: `m${i % 5}-x` }));
  if (k === 5) return JSON.stringify({ time: t, type: 'kmip-request', request: { client_certificate_serial_number: String(i % 77) } });
  if (k === 6) return JSON.stringify(req({ time: t, token: H(`r${i}`), policies: ['root'] }));
  const pad = 'x'.repeat(200 + (i % 300));
  return JSON.stringify(req({ time: t, token: H(`u${i % 5000}`), policies: [`p${i % 40}`], displayName: i % 2 ? 'approle' : 'token', extra: { response: { data: { pad } } } }));
}

let dir: string;
beforeAll(() => {
  dir = tempDir('ca-cli-par-');
});

describe('--jobs 1 vs --jobs 2 and 3', () => {
  it('byte-identical count json/table and clients on a multi-file input', () => {
    const files: string[] = [];
    for (let f = 0; f < 5; f++) {
      const p = path.join(dir, `multi-${f}.log`);
      const lines: string[] = [];
      for (let i = f * 3000; i < f * 3000 + 4000; i++) lines.push(lineFor(i)); // overlapping ranges: duplicates across files
      fs.writeFileSync(p, lines.join('\n') + '\n');
      files.push(p);
    }
    for (const args of [['count', '--format', 'json'], ['clients', '--format', 'csv'], ['count', '--format', 'json', '--rules', 'vault-1.8']]) {
      const one = cli([...args, '--jobs', '1', ...files]);
      const two = cli([...args, '--jobs', '2', ...files]);
      expect(one.code).toBe(0);
      expect(two.code).toBe(0);
      expect(two.stdout === one.stdout, args.join(' ')).toBe(true);
      expect(one.stdout.length).toBeGreaterThan(100);
    }
    // --jobs 3: this thread and two workers share the files; reversed order changes nothing.
    const three = cli(['count', '--format', 'json', '--jobs', '3', ...[...files].reverse()]);
    const oneReversed = cli(['count', '--format', 'json', '--jobs', '1', ...[...files].reverse()]);
    expect(three.code).toBe(0);
    expect(three.stdout === oneReversed.stdout).toBe(true);
  });

  it('byte-identical when the last few percent are left to this thread while the workers pack (pool.ts TAIL_SHARE)', () => {
    // Big files first and a few small ones last (under 4 % of the bytes together): a worker that
    // falls idle with only those left packs its partial while this thread parses them.
    const files: string[] = [];
    for (let f = 0; f < 9; f++) {
      const p = path.join(dir, `tail-${f}.log`);
      const lines: string[] = [];
      const n = f < 6 ? 4000 : 40;
      for (let i = f * 2500; i < f * 2500 + n; i++) lines.push(lineFor(i));
      fs.writeFileSync(p, lines.join('\n') + '\n');
      files.push(p);
    }
    const one = cli(['count', '--format', 'json', '--jobs', '1', ...files]);
    expect(one.code).toBe(0);
    // Which thread takes the small files depends on which finishes its big file first (about half
    // the runs hand some over); runs stop once one has, after at most 10 pairs.
    let handedOver = 0;
    for (let attempt = 0; attempt < 10 && handedOver === 0; attempt++) {
      for (const jobs of ['2', '3']) {
        // Two threads hand over a tail only when not pipelined (parallel/pipelined.ts).
        const got = cli(['count', '--format', 'json', '--jobs', jobs, ...files], { env: { CLIENT_AUDITOR_TIMING: '1', CLIENT_AUDITOR_PIPELINE: '0' } });
        expect(got.code, got.stderr).toBe(0);
        expect(got.stdout === one.stdout, `--jobs ${jobs}`).toBe(true);
        const left = /workers finished with (\d+) byte\(s\) left/.exec(got.stderr);
        if (left !== null && Number(left[1]) > 0) handedOver++;
        // The phase marks of every thread, on one time line (src/timing.ts).
        const marks = /timing: ms since start: (.*)/.exec(got.stderr)![1]!.split(', ').map((m) => /^(.*) (-?\d+)$/.exec(m)!);
        const at = (phase: string): number => Number(marks.find((m) => m[1] === phase)![2]);
        for (const phase of ['worker 0 ready', 'worker 0 first task', 'this thread parsed', 'worker 0 packed', 'workers exited', 'unpacked', 'merged', 'ledger', 'finished']) {
          expect(marks.some((m) => m[1] === phase), phase).toBe(true);
        }
        expect(at('worker 0 ready')).toBeLessThanOrEqual(at('worker 0 first task'));
        expect(at('workers exited')).toBeLessThanOrEqual(at('unpacked'));
      }
    }
    expect(handedOver).toBeGreaterThan(0);
  });
  it('byte-identical on mixed plain and .gz inputs (this thread inflates, workers parse) for --jobs 1, 2, 3', () => {
    const plain = path.join(dir, 'mixed-a.log');
    const other = path.join(dir, 'mixed-b.log');
    fs.writeFileSync(plain, Array.from({ length: 6000 }, (_, i) => lineFor(i)).join('\n') + '\n');
    fs.writeFileSync(other, Array.from({ length: 6000 }, (_, i) => lineFor(i + 4000)).join('\n') + '\n');
    const gz = other + '.gz';
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(other)));
    const want = cli(['count', '--format', 'json', '--jobs', '1', plain, other]).stdout.split(other).join(gz);
    for (const jobs of ['1', '2', '3']) {
      const got = cli(['count', '--format', 'json', '--jobs', jobs, plain, gz]);
      expect(got.code).toBe(0);
      expect(got.stdout === want, `--jobs ${jobs}`).toBe(true);
    }
    expect(JSON.parse(want).total.clients).toBeGreaterThan(10);
  });

  it('byte-identical on a 70 MB single file split into byte ranges', () => {
    const big = path.join(dir, 'big.log');
    const fd = fs.openSync(big, 'w');
    let size = 0;
    let i = 0;
    const target = 70 * 1024 * 1024;
    while (size < target) {
      const chunk: string[] = [];
      for (let j = 0; j < 5000; j++) chunk.push(lineFor(i++));
      const buf = Buffer.from(chunk.join('\n') + '\n');
      fs.writeSync(fd, buf);
      size += buf.length;
    }
    // the last line of the file: a registration that earlier lines join to (whole registry first)
    fs.writeSync(fd, jsonl([login({ time: '2023-12-31T00:00:00Z', mount: 'late', type: 'ldap', token: H('t1'), entity: 'ent-late' })]));
    fs.closeSync(fd);
    const st = fs.statSync(big);
    expect(st.size).toBeGreaterThan(SPLIT_MIN_BYTES);
    // the plan really splits this file for two jobs
    const tasks = planTasks([{ path: big, index: 0, size: st.size, compression: 'none' }], 2, () => true);
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    expect(tasks.every((t) => t.range !== null)).toBe(true);

    const one = cli(['count', '--format', 'json', '--jobs', '1', big]);
    const two = cli(['count', '--format', 'json', '--jobs', '2', big]);
    expect(one.code).toBe(0);
    expect(two.stdout === one.stdout).toBe(true);
    const doc = JSON.parse(one.stdout);
    expect(doc.inputs.files[0].lines).toBe(i + 1);
    expect(doc.inputs.files[0].malformed).toBe(Math.floor((i - 1) / 5003) + 1);
    expect(doc.inputs.files[0].malformed_examples.map((e: any) => e.line)).toEqual([1, 5004, 10007, 15010, 20013]);
    expect(two.stderr).toBe(one.stderr);
    const c1 = cli(['clients', '--jobs', '1', big]);
    const c2 = cli(['clients', '--jobs', '2', big]);
    expect(c2.stdout === c1.stdout).toBe(true);
    const three = cli(['count', '--format', 'json', '--jobs', '3', big]);
    expect(three.stdout === one.stdout, '--jobs 3').toBe(true);
    expect(c1.stdout.split('\n').length).toBeGreaterThan(100);

    // Compressed copies are cut into blocks by the main thread and parsed by workers
    // (src/parallel/blocks.ts): the same report, line numbers included, for every --jobs.
    const gz = big + '.gz';
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(big), { level: 1 }));
    for (const jobs of ['1', '2', '3']) {
      const z = cli(['count', '--format', 'json', '--jobs', jobs, gz]);
      expect(z.code).toBe(0);
      // Only the file name differs (inputs.files[].path and the malformed-lines warning).
      expect(z.stdout.split(gz).join(big) === one.stdout, `gz --jobs ${jobs}`).toBe(true);
    }
  }, 180_000);
});

describe('blockTasks', () => {
  it('cuts decompressed JSON lines at line ends, numbers blocks in order and marks the last', async () => {
    const p = path.join(dir, 'blocks.log.gz');
    const lines: string[] = [];
    for (let i = 0; i < 120_000; i++) lines.push(lineFor(i));
    const text = lines.join('\n'); // no final newline: the last block ends in an unterminated line
    fs.writeFileSync(p, zlib.gzipSync(Buffer.from(text)));
    let seq = 0;
    const got: { seq: number; start: number; len: number; final: boolean; endsNl: boolean }[] = [];
    const parts: Buffer[] = [];
    for await (const t of blockTasks({ path: p, index: 0, size: fs.statSync(p).size, compression: 'gzip' }, () => seq++)) {
      const b = Buffer.from(t.block!.bytes);
      parts.push(b);
      got.push({ seq: t.seq, start: t.block!.start, len: b.length, final: t.block!.final, endsNl: b[b.length - 1] === 10 });
    }
    expect(Buffer.concat(parts).toString()).toBe(text);
    expect(got.length).toBeGreaterThan(2);
    // Recycled block buffers (returned by workers, see block-buffers.ts) give the same blocks: a
    // returned buffer still holds the previous block's bytes, and none of them may show through.
    const buffers = new BlockBuffers(2, BLOCK_BYTES);
    const again: Buffer[] = [];
    let seq2 = 0;
    for await (const t of blockTasks({ path: p, index: 0, size: fs.statSync(p).size, compression: 'gzip' }, () => seq2++, buffers)) {
      again.push(Buffer.from(t.block!.bytes));
      buffers.give(t.block!.bytes.buffer as ArrayBuffer);
    }
    expect(again.map((b) => b.length)).toEqual(parts.map((b) => b.length));
    expect(Buffer.concat(again).equals(Buffer.concat(parts))).toBe(true);
    expect(got.map((g) => g.seq)).toEqual(got.map((_, i) => i));
    let start = 0;
    for (const [i, g] of got.entries()) {
      expect(g.start).toBe(start);
      start += g.len;
      expect(g.final).toBe(i === got.length - 1);
      if (!g.final) expect(g.endsNl).toBe(true);
    }
  });

  it('hands a compressed JSON array to one reader as a whole-file task', async () => {
    const p = path.join(dir, 'array.json.gz');
    fs.writeFileSync(p, zlib.gzipSync(Buffer.from('[' + Array.from({ length: 3000 }, (_, i) => lineFor(i * 10 + 2)).join(',\n') + ']')));
    const tasks = [];
    let seq = 0;
    for await (const t of blockTasks({ path: p, index: 0, size: fs.statSync(p).size, compression: 'gzip' }, () => seq++)) tasks.push(t);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.block).toBeNull();
    expect(tasks[0]!.range).toBeNull();
  });
});
