// Platform detection (spec vault.md §2: from the first entries of each input; src/detect.ts): plain
// heads are read at once, compressed ones through the decompressor; inputs without markers count as
// Vault, and inputs of both vendors are an input error.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectPlatform } from '../src/detect.js';
import { InputError } from '../src/errors.js';
import { expandInputs } from '../src/ingest/inputs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-detect-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const vault = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'demo', 'vault-demo.log'));
const akeyless = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'akeyless', 'events.jsonl'));

function file(name: string, bytes: Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

const detect = (...paths: string[]) => detectPlatform(expandInputs(paths).files);

describe('detectPlatform', () => {
  it('tells Vault from Akeyless by the head of plain and compressed files', async () => {
    expect(await detect(file('v.log', vault))).toBe('vault');
    expect(await detect(file('a.jsonl', akeyless))).toBe('akeyless');
    expect(await detect(file('v.log.gz', zlib.gzipSync(vault)))).toBe('vault');
    expect(await detect(file('a.jsonl.gz', zlib.gzipSync(akeyless)))).toBe('akeyless');
  });

  it('reads only the first 64 KiB: a marker after it is not seen, and no marker means Vault', async () => {
    const padding = Buffer.from(`${'x'.repeat(70 * 1024)}\n`);
    expect(await detect(file('late.log', Buffer.concat([padding, akeyless])))).toBe('vault');
    expect(await detect(file('empty.log', Buffer.alloc(0)))).toBe('vault');
  });

  it('inputs of both vendors are an input error naming one file of each', async () => {
    const v = file('mix-v.log', vault);
    const a = file('mix-a.jsonl', akeyless);
    const err = await detect(v, a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(v);
    expect((err as Error).message).toContain(a);
  });
});
