// End to end: input forms (spec vault.md §3.1): stdin, .gz, .zst, directories, globs, duplicates,
// JSON arrays and pretty-printed concatenated objects.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cli, cliJson, tempDir, jsonl, richLog, req, H } from '../support/vault.js';

let dir: string;
let plain: string;
let content: string;
const hasZstd = spawnSync('zstd', ['--version']).status === 0;

beforeAll(() => {
  dir = tempDir('ca-cli-inputs-');
  content = jsonl(richLog());
  plain = path.join(dir, 'audit.log');
  fs.writeFileSync(plain, content);
});

/** The report without inputs.files[].path (and the duplicate-input free warnings of the run). */
const withoutPaths = (doc: any) => ({
  ...doc,
  inputs: { ...doc.inputs, files: doc.inputs.files.map((f: any) => ({ ...f, path: null })) },
  warnings: doc.warnings.map((w: string) => w.replace(/^(malformed-lines|truncated-last-line): [^:]+:/, '$1: PATH:')),
});

describe('compressed and streamed inputs give identical results', () => {
  it('plain, gzip, stdin (-), stdin without inputs, gzip on stdin and zstd give identical JSON except file paths', () => {
    const gz = path.join(dir, 'audit.log.gz');
    fs.writeFileSync(gz, zlib.gzipSync(content));
    const base = cliJson(['count', '--format', 'json', plain]);
    expect(base.total.clients).toBe(5);
    const variants: [string, any][] = [
      ['gzip', cliJson(['count', '--format', 'json', gz])],
      ['stdin -', cliJson(['count', '--format', 'json', '-'], { input: content })],
      ['stdin implicit', cliJson(['count', '--format', 'json'], { input: content })],
      ['gzip on stdin', cliJson(['count', '--format', 'json', '-'], { input: zlib.gzipSync(content) })],
    ];
    if (hasZstd) {
      const zst = path.join(dir, 'audit.log.zst');
      expect(spawnSync('zstd', ['-q', '-f', '-o', zst, plain]).status).toBe(0);
      variants.push(['zstd', cliJson(['count', '--format', 'json', zst])]);
    } else {
      console.warn('zstd CLI not found: skipping the .zst variant');
    }
    for (const [name, doc] of variants) expect([name, withoutPaths(doc)]).toEqual([name, withoutPaths(base)]);
    expect(variants[1]![1].inputs.files[0].path).toBe('-');
    expect(variants[2]![1].inputs.files[0].path).toBe('-');
    // clients export identical too
    const c0 = cli(['clients', plain]).stdout;
    expect(cli(['clients', gz]).stdout).toBe(c0);
    expect(cli(['clients', '-'], { input: content }).stdout).toBe(c0);
  });

  it('a multi-member gzip (concatenated .gz files) is read completely', () => {
    const half = Math.floor(content.length / 2);
    const cut = content.lastIndexOf('\n', half) + 1;
    const gz = path.join(dir, 'multi.log.gz');
    fs.writeFileSync(gz, Buffer.concat([zlib.gzipSync(content.slice(0, cut)), zlib.gzipSync(content.slice(cut))]));
    expect(withoutPaths(cliJson(['count', '--format', 'json', gz]))).toEqual(withoutPaths(cliJson(['count', '--format', 'json', plain])));
  });

  it('.zst corrupt data is exit 1 naming the file', (ctx) => {
    if (!hasZstd) {
      console.warn('zstd CLI not found: skipping');
      ctx.skip();
      return;
    }
    const zst = path.join(dir, 'cut.log.zst');
    const full = spawnSync('zstd', ['-q', '-c', plain]).stdout as Buffer;
    fs.writeFileSync(zst, full.subarray(0, Math.floor(full.length / 2)));
    const r = cli(['count', zst]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(zst);
  });
});

describe('directories, globs, duplicates', () => {
  let tree: string;
  const at = (s: number, entity: string, dn = 'token') => req({ time: `2024-05-01T00:00:0${s}Z`, token: H(entity), entity, displayName: dn });
  beforeAll(() => {
    tree = path.join(dir, 'tree');
    for (const sub of ['a', 'b', 'a/deep']) fs.mkdirSync(path.join(tree, sub), { recursive: true });
    // all four files hold E1's first use at the same instant under a different display name; file index decides
    fs.writeFileSync(path.join(tree, 'b', '2.log'), jsonl([at(1, 'E1', 'token-b2'), at(2, 'B2')]));
    fs.writeFileSync(path.join(tree, 'a', '10.log'), jsonl([at(1, 'E1', 'token-a10')]));
    fs.writeFileSync(path.join(tree, 'a', '1.log'), jsonl([at(1, 'E1', 'token-a1')]));
    fs.writeFileSync(path.join(tree, 'a', 'deep', 'x.log'), jsonl([at(1, 'E1', 'approle')]));
    fs.writeFileSync(path.join(tree, 'A.log'), jsonl([at(1, 'E1', 'nomatch'), at(3, 'A0')]));
  });

  it('a directory expands recursively, sorted by full path in code-unit order', () => {
    const doc = cliJson(['count', '--format', 'json', tree]);
    expect(doc.inputs.files.map((f: any) => path.relative(tree, f.path))).toEqual(['A.log', 'a/1.log', 'a/10.log', 'a/deep/x.log', 'b/2.log']);
    // file index 0 (A.log) holds the winning first use: unknown mount
    expect(doc.by_namespace[0].mounts.map((m: any) => [m.mount_path, m.counts.clients])).toEqual([
      ['auth/token/', 2], ['unknown (token issued before the logs)', 1],
    ]);
  });

  it('arguments keep command-line order; a directory expands at its position', () => {
    const first = path.join(tree, 'b', '2.log');
    const doc = cliJson(['count', '--format', 'json', first, path.join(tree, 'a')]);
    expect(doc.inputs.files.map((f: any) => path.relative(tree, f.path))).toEqual(['b/2.log', 'a/1.log', 'a/10.log', 'a/deep/x.log']);
    const clients = cli(['clients', first, path.join(tree, 'a')]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(clients.find((c: any) => c.client_id === 'E1').mount_path).toBe('auth/token/');
    const doc2 = cliJson(['count', '--format', 'json', path.join(tree, 'a', 'deep'), first]);
    expect(doc2.by_namespace[0].mounts.map((m: any) => [m.mount_path, m.counts.clients])).toEqual([
      ['auth/token/', 1], ['unknown (token issued before the logs)', 1],
    ]);
  });

  it('glob patterns expand (sorted) without the shell', () => {
    const doc = cliJson(['count', '--format', 'json', path.join(tree, '**', '*.log')]);
    expect(doc.inputs.files.map((f: any) => path.relative(tree, f.path))).toEqual(['A.log', 'a/1.log', 'a/10.log', 'a/deep/x.log', 'b/2.log']);
    const doc2 = cliJson(['count', '--format', 'json', path.join(tree, 'a', '*.log')]);
    expect(doc2.inputs.files.map((f: any) => path.relative(tree, f.path))).toEqual(['a/1.log', 'a/10.log']);
  });

  it('the same resolved path twice is read once with a duplicate-input warning', () => {
    const f = path.join(tree, 'a', '1.log');
    const rel = path.relative(process.cwd(), f);
    const doc = cliJson(['count', '--format', 'json', f, path.join(tree, 'a'), f]);
    expect(doc.inputs.files.length).toBe(3);
    expect(doc.warnings).toEqual([`duplicate-input: ${f} given more than once`, `duplicate-input: ${f} given more than once`]);
    expect(doc.inputs.requests.countable).toBe(3);
    expect(rel).not.toBe(''); // sanity
  });
});

/** The same entries as JSON lines, as one JSON array, and as concatenated pretty-printed objects. */
function writeForms(name: string, entries: readonly Record<string, unknown>[]): { lines: string; arr: string; pretty: string } {
  const lines = path.join(dir, `${name}.jsonl`);
  const arr = path.join(dir, `${name}.json`);
  const pretty = path.join(dir, `${name}-pretty.json`);
  fs.writeFileSync(lines, jsonl(entries));
  fs.writeFileSync(arr, JSON.stringify(entries, null, 2));
  fs.writeFileSync(pretty, entries.map((e) => JSON.stringify(e, null, 2)).join('\n') + '\n');
  return { lines, arr, pretty };
}

describe('JSON array and pretty-printed concatenated objects', () => {
  it('a JSON array file and concatenated pretty-printed objects count exactly like JSON lines', () => {
    const entries = richLog().filter((e) => typeof e !== 'string') as Record<string, unknown>[];
    const { lines, arr, pretty } = writeForms('entries', entries);
    const base = cliJson(['count', '--format', 'json', lines]);
    expect(base.total.clients).toBe(4); // the syslog-framed ns1/ line is not part of these entries
    for (const f of [arr, pretty]) {
      const doc = cliJson(['count', '--format', 'json', f]);
      for (const k of ['start_time', 'end_time', 'by_namespace', 'months', 'total', 'kmip', 'warnings', 'rules']) expect([f, k, doc[k]]).toEqual([f, k, base[k]]);
      for (const k of ['entries', 'malformed', 'requests', 'tokens_registered', 'attribution']) expect([f, k, doc.inputs[k]]).toEqual([f, k, base.inputs[k]]);
      expect(cli(['clients', f]).stdout).toBe(cli(['clients', lines]).stdout);
    }
  });

  it('JSON arrays and pretty-printed objects over several read buffers count like JSON lines', () => {
    // Plain files are read through one reused 1 MiB buffer (ingest/open.ts); ~5 MB here, so values
    // cross the ends of several reads on the way to stream-json.
    const base = richLog().filter((e) => typeof e !== 'string') as Record<string, any>[];
    const entries: Record<string, any>[] = [];
    for (let r = 0; r < 60; r++) {
      for (const e of base) entries.push({ ...e, request: { ...(e.request ?? {}), data: { blob: `${r}-`.padEnd(8000, 'x') } } });
    }
    const { lines, arr, pretty } = writeForms('big-entries', entries);
    expect(fs.statSync(arr).size).toBeGreaterThan(4 * 1024 * 1024);
    const want = cliJson(['count', '--format', 'json', '--jobs', '1', lines]);
    expect(Object.values(want.inputs.entries as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(entries.length);
    for (const f of [arr, pretty]) {
      const doc = cliJson(['count', '--format', 'json', '--jobs', '1', f]);
      for (const k of ['months', 'total', 'by_namespace']) expect([f, k, doc[k]]).toEqual([f, k, want[k]]);
      for (const k of ['entries', 'malformed', 'requests']) expect([f, k, doc.inputs[k]]).toEqual([f, k, want.inputs[k]]);
    }
  });

  it('a JSON array through stdin counts the same', () => {
    const entries = richLog().filter((e) => typeof e !== 'string') as Record<string, unknown>[];
    const doc = cliJson(['count', '--format', 'json', '-'], { input: JSON.stringify(entries) });
    expect(doc.total).toEqual({ clients: 4, entity_clients: 3, non_entity_clients: 1, secret_syncs: 0, acme_clients: 0 });
  });
});
