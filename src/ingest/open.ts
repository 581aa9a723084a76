// openInput(): the one place that decides how an input's bytes are read (plain file, byte range of
// a plain file, gzip, zstd, stdin). Everything downstream sees decompressed Buffers and never
// branches on the kind of input. Corrupt or truncated compressed data is a fatal InputError [B1].

import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import zlib from 'node:zlib';
import type * as Fzstd from 'fzstd';
import { InputError } from '../errors.js';
import { lazyRequire } from '../lazy-require.js';
import { sniffCompression, type InputFile } from './inputs.js';

/** Only .zst inputs need it. */
const fzstd = lazyRequire<typeof Fzstd>('fzstd');

/** 1 MiB reads: measured faster than the 64 KiB default on big files. */
export const READ_CHUNK = 1024 * 1024;

export interface ByteRange {
  start: number;
  /** Exclusive; Infinity reads to the end. */
  end: number;
}

/** Raw (on-disk) bytes consumed are reported through onRawBytes, for progress and throughput. */
export type RawBytesListener = (n: number) => void;

async function* countRaw(src: AsyncIterable<Buffer>, onRawBytes: RawBytesListener): AsyncGenerator<Buffer> {
  for await (const chunk of src) {
    onRawBytes(chunk.length);
    yield chunk;
  }
}

function corrupt(file: InputFile, kind: string, err: unknown): InputError {
  const msg = err instanceof Error ? err.message : String(err);
  return new InputError(`${file.path}: corrupt or truncated ${kind} data (${msg})`,
    `test the file with \`${kind === 'gzip' ? 'gzip -t' : 'zstd -t'}\`; a file still being compressed is incomplete`);
}

async function* gunzip(file: InputFile, src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // Multi-member gzip (concatenated .gz files, as logrotate can produce) is handled by zlib.
  const z = zlib.createGunzip({ chunkSize: 256 * 1024 });
  const feeder = (async () => {
    try {
      // Each write waits until zlib has consumed its chunk: the source may reuse the chunk's buffer
      // for the next read (OpenOptions.reuseBuffer).
      for await (const chunk of src) {
        await new Promise<void>((resolve, reject) => z.write(chunk, (e) => (e ? reject(e) : resolve())));
      }
      z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw corrupt(file, 'gzip', e);
  }
  await feeder;
}

async function* unzstd(file: InputFile, src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  let ended = false;
  const d = new (fzstd().Decompress)((data, final) => {
    out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (final) ended = true;
  });
  try {
    for await (const chunk of src) {
      d.push(chunk);
      if (out.length > 0) {
        const ready = out;
        out = [];
        yield* ready;
      }
    }
    d.push(new Uint8Array(0), true);
  } catch (e) {
    throw corrupt(file, 'zstd', e);
  }
  yield* out;
  if (!ended) throw corrupt(file, 'zstd', new Error('unexpected end of file'));
}

// stdin can be read only once, so the platform detection's peek (peekStdin) keeps what it read
// here and the real read (readStdin) replays it before continuing with the same iterator.
let stdinIterator: AsyncIterator<Buffer> | null = null;
const stdinHead: Buffer[] = [];
const stdin = (): AsyncIterator<Buffer> => (stdinIterator ??= (process.stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]());

/** The first `bytes` (or fewer) raw bytes of stdin, without consuming them. */
export async function peekStdin(bytes: number): Promise<Buffer> {
  let n = stdinHead.reduce((s, b) => s + b.length, 0);
  while (n < bytes) {
    const r = await stdin().next();
    if (r.done) break;
    stdinHead.push(r.value);
    n += r.value.length;
  }
  return Buffer.concat(stdinHead);
}

async function* readStdin(): AsyncGenerator<Buffer> {
  while (stdinHead.length > 0) yield stdinHead.shift()!;
  for (let r = await stdin().next(); !r.done; r = await stdin().next()) yield r.value;
}

async function* peekCompression(src: AsyncIterable<Buffer>, file: InputFile): AsyncGenerator<Buffer> {
  // stdin cannot be sniffed before reading, so its first chunk decides (same rule as files).
  const it = src[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest = (async function* () {
    yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  const kind = sniffCompression(first.value.subarray(0, 4), file.path);
  if (kind === 'gzip') yield* gunzip(file, rest);
  else if (kind === 'zstd') yield* unzstd(file, rest);
  else yield* rest;
}

export interface OpenOptions {
  /**
   * Raw chunks of a plain or gzip file are views of two reused buffers, each valid until the next is
   * requested: for callers done with a chunk by then (the line splitter copies what it keeps; gunzip
   * waits until zlib has consumed it). A stream allocates a new 1 MiB buffer per read, which V8
   * frees only at a later GC: up to ~25 MB of dead read buffers per thread (1.1 GB bench log).
   */
  reuseBuffer?: boolean;
  /**
   * With reuseBuffer, for an uncompressed file: the two buffers to read into, in turn, instead of
   * the reader's own (a parser that owns them parses lines where they were read; see ReadBuffers).
   */
  buffers?: readonly Buffer[];
}

/**
 * Read buffers a consumer lends for one read (Collector.readBuffers), given back with release()
 * when the read ends; the consumer decides what may live in them.
 */
export interface ReadBuffers {
  readonly buffers: readonly Buffer[];
  release(): void;
}

/**
 * The first `bytes` (or fewer) of a plain file, read at once: platform detection and the JSON-lines
 * check before splitting look at a file's head. Through a read stream (a 1 MiB first read and the
 * stream's set-up) detection took 4.5 ms of every run's start-up, this way 0.5 ms.
 */
export function plainHead(path: string, bytes: number): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.allocUnsafe(bytes);
    return head.subarray(0, fs.readSync(fd, head, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens one input (or a byte range of an uncompressed file) as decompressed chunks. */
export function openInput(file: InputFile, range: ByteRange | null, onRawBytes: RawBytesListener,
  options: OpenOptions = {}): AsyncIterable<Buffer> {
  if (file.path === '-') return peekCompression(countRaw(readStdin(), onRawBytes), file);
  const start = range?.start ?? 0;
  const end = range && Number.isFinite(range.end) ? range.end : Infinity;
  let raw: AsyncIterable<Buffer>;
  if (options.reuseBuffer === true && (file.compression === 'none' || file.compression === 'gzip')) {
    raw = readReusing(file.path, start, end, file.compression === 'none' ? options.buffers : undefined);
  } else {
    try {
      raw = fs.createReadStream(file.path, { highWaterMark: READ_CHUNK, start, end: Number.isFinite(end) ? end - 1 : undefined });
    } catch (e) {
      throw new InputError(`cannot read ${file.path}: ${String(e)}`);
    }
  }
  const counted = countRaw(withReadErrors(raw, file), onRawBytes);
  switch (file.compression) {
    case 'gzip':
      return gunzip(file, counted);
    case 'zstd':
      return unzstd(file, counted);
    default:
      return counted;
  }
}

/**
 * Read buffer pairs of finished reads, for the next task on this thread: a new pair per task (90
 * tasks on the 3 GB bench log) left dead 1 MiB buffers in malloc's arenas until a GC freed them.
 * Each thread (module instance) keeps at most this many pairs.
 */
const spareReadBuffers: (readonly Buffer[])[] = [];
const MAX_SPARE_READ_BUFFERS = 2;

/** The buffers a read lent, else a spare pair, else a new one. */
const takeReadBuffers = (lent: readonly Buffer[] | undefined): readonly Buffer[] =>
  lent ?? spareReadBuffers.pop() ?? [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];

/** A pair of this module's own buffers, free again. */
function giveBackReadBuffers(buffers: readonly Buffer[]): void {
  if (spareReadBuffers.length < MAX_SPARE_READ_BUFFERS) spareReadBuffers.push(buffers);
}

/**
 * Bytes [start, end) of a file through two buffers (see OpenOptions.reuseBuffer): on the main thread
 * the next read runs while the caller works on the chunk it was given (workers: readBlocking). With
 * one buffer each read waited for the caller and the caller for each read: 0.7 s of a 6.1 s
 * `--jobs 1` run on the 1.1 GB bench log was this thread idle in reads, about what reading the file
 * alone takes.
 */
async function* readReusing(path: string, start: number, end: number, lent?: readonly Buffer[]): AsyncGenerator<Buffer> {
  if (!isMainThread) {
    yield* readBlocking(path, start, end, lent);
    return;
  }
  const handle = await fs.promises.open(path, 'r');
  const buffers = takeReadBuffers(lent);
  let pos = start;
  let next = 0;
  const issue = (): Promise<fs.promises.FileReadResult<Buffer>> | null => {
    if (pos >= end) return null;
    const buffer = buffers[next]!;
    const read = handle.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
    next ^= 1;
    // Handled when awaited below; until then a failure must not count as an unhandled rejection.
    read.catch(() => undefined);
    return read;
  };
  let pending = issue();
  try {
    while (pending !== null) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      pos += bytesRead;
      // The other buffer is free: the caller asked for this chunk, so it is done with the last one.
      pending = issue();
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight (the caller stopped early, or failed) settles before the file closes.
    if (pending !== null) await pending.catch(() => undefined);
    if (lent === undefined) giveBackReadBuffers(buffers);
    await handle.close();
  }
}

/**
 * readReusing() on a worker thread: each read blocks the thread. Workers run one per core, so every
 * core is busy and a read handed to libuv's thread pool (readReusing's overlap) only waits for one:
 * measured on the 1.1 GB bench log (two threads, pipelined), the worker then idled 10-30 % of its
 * time waiting for reads while this thread waited for its records.
 */
function* readBlocking(path: string, start: number, end: number, lent?: readonly Buffer[]): Generator<Buffer> {
  const fd = fs.openSync(path, 'r');
  const buffers = takeReadBuffers(lent);
  // One buffer does: nothing is read ahead, and the caller is done with a chunk when it asks for the next.
  const buffer = buffers[0]!;
  let pos = start;
  try {
    while (pos < end) {
      const bytesRead = fs.readSync(fd, buffer, 0, Math.min(buffer.length, end - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    if (lent === undefined) giveBackReadBuffers(buffers);
    fs.closeSync(fd);
  }
}

async function* withReadErrors(src: AsyncIterable<Buffer>, file: InputFile): AsyncGenerator<Buffer> {
  try {
    yield* src;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new InputError(`${file.path} is a directory where a file is required`);
    throw new InputError(`cannot read ${file.path}: ${code ?? String(e)}`, 'check the file and its permissions');
  }
}
