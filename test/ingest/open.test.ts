// openInput's reused read buffers (src/ingest/open.ts): the next read runs while the caller holds
// the current chunk, so what the caller sees must still be exactly the file's bytes, in order, for
// whole files and byte ranges, and stopping early must close the file without a stray failure.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openInput } from '../../src/ingest/open.js';
import type { InputFile } from '../../src/ingest/inputs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-open-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// 3.5 MiB of pseudo-random bytes (no period, so no two reads look alike): several 1 MiB reads and a
// short last one.
const bytes = Buffer.alloc(3.5 * 1024 * 1024);
for (let i = 0, x = 20261123; i < bytes.length; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  bytes[i] = x >>> 24;
}

function file(name: string, data: Buffer, compression: InputFile['compression']): InputFile {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return { path: p, index: 0, size: data.length, compression };
}

/**
 * Uses every chunk before requesting the next, as the contract allows, but only after giving the
 * read in flight time to land: a chunk must stay intact until the next one is requested.
 */
async function readAll(src: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of src) {
    await new Promise((r) => setTimeout(r, 5));
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

describe('openInput with reused read buffers', () => {
  const plain = file('plain.log', bytes, 'none');
  it('yields exactly the file, and exactly a byte range of it', async () => {
    let raw = 0;
    expect((await readAll(openInput(plain, null, (n) => (raw += n), { reuseBuffer: true }))).equals(bytes)).toBe(true);
    expect(raw).toBe(bytes.length);
    for (const [start, end] of [[0, 1], [5, 1024 * 1024 + 3], [1024 * 1024, 2 * 1024 * 1024], [3_000_000, Infinity]] as const) {
      const got = await readAll(openInput(plain, { start, end }, () => {}, { reuseBuffer: true }));
      expect(got.equals(bytes.subarray(start, Number.isFinite(end) ? end : bytes.length)), `${start}..${end}`).toBe(true);
    }
  });
  it('yields the decompressed bytes of a .gz read through the same buffers', async () => {
    const gz = file('plain.log.gz', zlib.gzipSync(bytes), 'gzip');
    expect((await readAll(openInput(gz, null, () => {}, { reuseBuffer: true }))).equals(bytes)).toBe(true);
  });
  it('keeps two readers of one thread apart, before and after their buffers are reused', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        readAll(openInput(plain, null, () => {}, { reuseBuffer: true })),
        readAll(openInput(plain, { start: 12345, end: 2_500_000 }, () => {}, { reuseBuffer: true })),
      ]);
      expect(a.equals(bytes), `round ${round}, whole file`).toBe(true);
      expect(b.equals(bytes.subarray(12345, 2_500_000)), `round ${round}, range`).toBe(true);
    }
  });
  it('reads an uncompressed file into lent buffers, in turn, and a .gz through its own', async () => {
    const lent = [Buffer.alloc(300_000), Buffer.alloc(300_000)];
    const seen = new Set<ArrayBufferLike>();
    const parts: Buffer[] = [];
    for await (const chunk of openInput(plain, { start: 7, end: 2_000_000 }, () => {}, { reuseBuffer: true, buffers: lent })) {
      expect(chunk.length).toBeLessThanOrEqual(300_000);
      expect(lent.some((b) => b.buffer === chunk.buffer && b.byteOffset === chunk.byteOffset)).toBe(true);
      seen.add(chunk.buffer);
      parts.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(parts).equals(bytes.subarray(7, 2_000_000))).toBe(true);
    expect(parts.length).toBe(Math.ceil((2_000_000 - 7) / 300_000));
    expect(seen.size, 'both buffers, in turn').toBe(2);
    const gz = file('lent.log.gz', zlib.gzipSync(bytes), 'gzip');
    for await (const chunk of openInput(gz, null, () => {}, { reuseBuffer: true, buffers: lent })) {
      expect(lent.some((b) => b.buffer === chunk.buffer)).toBe(false);
    }
  });
  it('closes the file when the caller stops early, with a read still in flight', async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: unknown): void => void rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      for (let i = 0; i < 20; i++) {
        for await (const chunk of openInput(plain, null, () => {}, { reuseBuffer: true })) {
          expect(chunk.length).toBeGreaterThan(0);
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  });
});
