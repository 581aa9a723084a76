// The Vault collector reads lines through VAULT_ENTRY_SHAPE (the WebAssembly projector). Whatever it
// reads must be in the shape: here every report is produced twice, through the projector and through
// CLIENT_AUDITOR_FULL_PARSE=1 (JSON.parse of the whole line), and must be byte-identical, including
// malformed-line counts and examples, on all fixtures plus seeded mutants of them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { REPO_ROOT, runCli, expectSameAsFullParse } from '../helpers/cli.js';
import { tempDir } from '../helpers/sim.js';
import { createVaultCollector } from '../../src/vault/collector.js';
import { runTask } from '../../src/parallel/run-task.js';
import type { RunOptions } from '../../src/platform.js';

function mixedLog(): string {
  const sources = ['fixtures/demo/vault-demo.log', 'fixtures/vault/audit.log', 'fixtures/real/vault-public-samples.jsonl']
    .flatMap((f) => fs.readFileSync(path.join(REPO_ROOT, f), 'utf8').split('\n').filter((l) => l.trim() !== ''));
  const rnd = mulberry32(7);
  const lines: string[] = [];
  for (const line of sources) {
    lines.push(line);
    if (rnd() < 0.15) {
      // A damaged copy: cut, a byte flipped to a structural character, or a field renamed with an escape.
      const at = Math.floor(rnd() * line.length);
      const kind = Math.floor(rnd() * 3);
      lines.push(kind === 0 ? line.slice(0, at) : kind === 1 ? line.slice(0, at) + '}' + line.slice(at + 1)
        : line.replace('"type":', '"t\\u0079pe":'));
    }
  }
  const dir = tempDir('entry-shape-');
  const file = path.join(dir, 'mixed.log');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('VAULT_ENTRY_SHAPE: projected parsing gives the reports of a full JSON.parse', () => {
  const file = mixedLog();
  const cases: string[][] = [
    ['count', '--format', 'json', '--jobs', '1', file],
    ['count', '--format', 'json', '--jobs', '2', file],
    ['count', '--format', 'json', '--rules', 'vault-1.8', file],
    ['count', '--format', 'json', '--rules', 'vault-1.6', file],
    ['count', '--format', 'json', '--rules', 'legacy-auditor', file],
    ['clients', '--format', 'jsonl', file],
    ['count', '--format', 'json', path.join(REPO_ROOT, 'fixtures/vault/audit.log')],
  ];
  for (const args of cases) {
    it(`${args.slice(0, -1).join(' ')} on ${path.basename(args.at(-1)!)}`, () => {
      expectSameAsFullParse(args);
    });
  }
  it('the mixed log really holds malformed lines and escaped keys', () => {
    const r = runCli(['count', '--format', 'json', file]);
    const json = JSON.parse(r.stdout) as { inputs: { malformed_lines?: number; files: { malformed: number }[] } };
    const malformed = json.inputs.files.reduce((s, f) => s + f.malformed, 0);
    expect(malformed).toBeGreaterThan(20);
    expect(fs.readFileSync(file, 'utf8')).toContain('"t\\u0079pe":');
  });
});

describe('the Vault collector parses lines where they were read (its read buffers)', () => {
  const options: RunOptions = {
    platform: 'vault', profile: 'current', range: { from: null, to: null, fromText: null, toText: null },
    billingDay: 1, prefix: null, mergeHumans: false, quota: null,
  };
  it('lends its read buffers to one task at a time', () => {
    const c = createVaultCollector(options);
    const lent = c.readBuffers();
    expect(lent?.buffers.length).toBe(2);
    expect(c.readBuffers(), 'while lent').toBeNull();
    lent!.release();
    expect(c.readBuffers()?.buffers).toBe(lent!.buffers);
  });
  it('gives the partial of a reader with buffers of its own', async () => {
    const file = mixedLog();
    const size = fs.statSync(file).size;
    const partialWith = async (lend: boolean): Promise<string> => {
      const c = createVaultCollector(options);
      if (!lend) c.readBuffers = () => null;
      // Two ranges and the whole file: lines cut at range starts, both buffers in turn.
      for (const [seq, range] of [[0, { start: 0, end: Math.floor(size / 3) }], [1, { start: Math.floor(size / 3), end: Infinity }]] as const) {
        await runTask({ seq, file: { path: file, index: 0, size, compression: 'none' }, range }, c, () => {});
      }
      await runTask({ seq: 2, file: { path: file, index: 0, size, compression: 'none' }, range: null }, c, () => {});
      return JSON.stringify(c.partial());
    };
    const own = await partialWith(false);
    expect(own.length).toBeGreaterThan(1000);
    expect(await partialWith(true)).toBe(own);
  });
});
