// The Vault collector reads lines through VAULT_ENTRY_SHAPE (the WebAssembly projector). Whatever it
// reads must be in the shape: here every report is produced twice, through the projector and through
// CLIENT_AUDITOR_FULL_PARSE=1 (JSON.parse of the whole line), and must be byte-identical, including
// malformed-line counts and examples, on all fixtures plus seeded mutants of them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sim.js';

const FULL = { CLIENT_AUDITOR_FULL_PARSE: '1' };

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
      const fast = runCli(args);
      const full = runCli(args, { env: FULL });
      expect(full.code).toBe(fast.code);
      expect(fast.stdout.length).toBeGreaterThan(100);
      expect(fast.stdout).toBe(full.stdout);
      expect(fast.stderr).toBe(full.stderr);
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
