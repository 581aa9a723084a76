// Drives one read task: bytes (openInput) -> lines (LineSplitter) or JSON values (stream-json) ->
// the platform's RecordSink. Decides the file's shape once from its first bytes: JSON lines (also
// text lines; the sink classifies them), one JSON array, or concatenated pretty-printed JSON values.
// Arrays and value streams are parsed incrementally, never loaded whole.

import { Readable } from 'node:stream';
import { FileStats } from './file-stats.js';
import type { InputFile } from './inputs.js';
import { LineSplitter, type LineSink } from './lines.js';
import { openInput, type ByteRange, type RawBytesListener, type ReadBuffers } from './open.js';
import type { EventTime } from './time.js';

export interface RecordSink extends LineSink {
  /** One element of a JSON array file or one value of a concatenated-JSON file; index is 1-based. */
  value(v: unknown, index: number): void;
  /** The JSON array / value stream broke off at element `index` (invalid JSON or truncated file). */
  valueStreamError(index: number, reason: string, atEnd: boolean): void;
  /**
   * Optional (collectors with a lineProjection): a line read and projected by another thread, as
   * line() would have projected it, with the event time its projector parsed (null: not parsed).
   */
  projected?(value: unknown, lineNo: number, byteOffset: number, unterminated: boolean, time: EventTime | null): void;
}

export type FileShape = 'lines' | 'json-array' | 'json-stream';

export interface ScanTask {
  file: InputFile;
  /** A byte range of an uncompressed JSON-lines file, or null for the whole file. */
  range: ByteRange | null;
  /**
   * A block of decompressed JSON lines cut at a line end by the main thread (parallel/blocks.ts):
   * its bytes, the offset of its first byte in the decompressed file, and whether it is the last
   * block of the file (only the last can end in an unterminated line). Null: read `file` itself.
   */
  block?: { bytes: Uint8Array; start: number; final: boolean; rawBytes: number } | null;
}

const PEEK_BYTES = 64 * 1024;

/**
 * Shape from the first bytes: `[` opens a JSON array; a first line that opens an object without
 * closing it (`{` alone, or ending in `{`, `[`, `,` or `:`) starts pretty-printed JSON values.
 */
export function detectShape(head: Buffer): FileShape {
  let i = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (i >= head.length) return 'lines';
  if (head[i] === 0x5b /* [ */) return 'json-array';
  if (head[i] !== 0x7b /* { */) return 'lines';
  let nl = head.indexOf(10, i);
  if (nl < 0) return 'lines';
  const first = head.toString('utf8', i, nl).trim();
  if (first === '{') return 'json-stream';
  const last = first[first.length - 1];
  if (last === '{' || last === '[' || last === ',' || last === ':') {
    try {
      JSON.parse(first);
      return 'lines';
    } catch {
      return 'json-stream';
    }
  }
  return 'lines';
}

async function collectHead(src: AsyncIterator<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let n = 0;
  while (n < PEEK_BYTES) {
    const r = await src.next();
    if (r.done) break;
    chunks.push(r.value);
    n += r.value.length;
  }
  return chunks;
}

/**
 * stream-json drops the values it had assembled from a chunk when that chunk turns out to hold
 * invalid JSON, so a broken array would lose every good element before the break that shares its
 * chunk. Feeding it small slices bounds that loss to the elements of one slice.
 */
const VALUE_SLICE_BYTES = 512;

async function* slices(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += VALUE_SLICE_BYTES) yield chunk.subarray(i, i + VALUE_SLICE_BYTES);
  }
}

async function scanValues(
  chunks: AsyncIterable<Buffer>,
  shape: Exclude<FileShape, 'lines'>,
  sink: RecordSink,
  stats: FileStats,
): Promise<void> {
  // Loaded on first use: JSON lines, the usual input, never need stream-json (~30 ms to import).
  // Values are only ever taken whole: `streamValues: false` has the parser emit each string, key and
  // number once, packed, not also as chunks: about half the tokens (stream-json's performance notes).
  // Measured on a 47 MB Akeyless array export, 4 interleaved runs: 2.50-3.62 s -> 1.80-1.99 s.
  const streamer = shape === 'json-array'
    ? (await import('stream-json/streamers/stream-array.js')).default.withParserAsStream({ streamValues: false })
    : (await import('stream-json/streamers/stream-values.js')).default.withParserAsStream({ jsonStreaming: true, streamValues: false });
  const src = Readable.from(slices(chunks));
  src.pipe(streamer);
  let index = 0;
  let srcError: unknown = null;
  src.on('error', (e) => {
    srcError = e;
    streamer.destroy();
  });
  try {
    // 'data' events, not the async iterator: on a parse error the iterator throws away values
    // already assembled but not yet read, and those are good elements that must be counted.
    await new Promise<void>((resolve, reject) => {
      streamer.on('data', (item: { value: unknown }) => {
        index++;
        stats.data.lines++;
        sink.value(item.value, index);
      });
      streamer.on('error', reject);
      streamer.on('end', () => resolve());
    });
  } catch (e) {
    if (srcError) throw srcError;
    // Invalid JSON inside the array: everything after it is unreadable. Count it once, at the
    // element where it happened; a break at the very end is a file still being written.
    stats.data.lines++;
    const msg = e instanceof Error ? e.message : String(e);
    sink.valueStreamError(index + 1, /end|incomplete|unexpected end/i.test(msg) ? 'truncated' : 'invalid JSON', true);
    return;
  }
  if (srcError) throw srcError;
}

/**
 * Reads one task to the end, feeding the sink. Returns the statistics of what was read.
 * `readBuffers`: buffers the sinks' consumer lends for reading an uncompressed file (OpenOptions.buffers).
 */
export async function scanTask(
  task: ScanTask,
  makeSink: (stats: FileStats, shape: FileShape) => RecordSink,
  onRawBytes: RawBytesListener,
  readBuffers?: () => ReadBuffers | null,
): Promise<FileStats> {
  const lent = task.block || task.file.compression !== 'none' ? null : readBuffers?.() ?? null;
  try {
    return await scanWith(task, makeSink, onRawBytes, lent?.buffers);
  } finally {
    lent?.release();
  }
}

async function scanWith(
  task: ScanTask,
  makeSink: (stats: FileStats, shape: FileShape) => RecordSink,
  onRawBytes: RawBytesListener,
  buffers: readonly Buffer[] | undefined,
): Promise<FileStats> {
  const stats = new FileStats(task.file.path);
  const { range, block } = task;
  if (block) {
    const sink = makeSink(stats, 'lines');
    const splitter = new LineSplitter(sink, stats, { startOffset: block.start, skipFirstLine: false, endOffset: Infinity });
    const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
    splitter.push(bytes);
    if (block.final) splitter.end();
    stats.data.bytesRead = block.rawBytes;
    onRawBytes(block.rawBytes);
    return stats;
  }
  if (range !== null) {
    // Byte-range task (see parallel/plan.ts): start one byte early and drop everything through the
    // first newline, so the range begins exactly at the first line that starts inside it.
    const from = Math.max(0, range.start - 1);
    const src = openInput(task.file, { start: from, end: Infinity }, (n) => {
      stats.data.bytesRead += n;
      onRawBytes(n);
    }, { reuseBuffer: true, buffers }); // the splitter is done with each chunk when push() returns
    const sink = makeSink(stats, 'lines');
    const splitter = new LineSplitter(sink, stats, {
      startOffset: from,
      skipFirstLine: range.start > 0,
      endOffset: range.end,
    });
    for await (const chunk of src) {
      splitter.push(chunk);
      if (splitter.done) break;
    }
    splitter.end();
    // Only the bytes inside the range count as this task's share of the file.
    stats.data.bytesRead = Math.min(stats.data.bytesRead, range.end - range.start);
    return stats;
  }
  // Chunks of a plain file share one buffer (OpenOptions.reuseBuffer): the head is copied, and so is
  // every chunk for stream-json, whose stream may buffer slices of a chunk while the next one is read
  // (in practice it consumes them at once; the copy keeps that an implementation detail of theirs).
  const src = openInput(task.file, null, (n) => {
    stats.data.bytesRead += n;
    onRawBytes(n);
  }, { reuseBuffer: true, buffers })[Symbol.asyncIterator]();
  const head = (await collectHead(src)).map((chunk) => Buffer.from(chunk));
  const shape = detectShape(Buffer.concat(head));
  const sink = makeSink(stats, shape);
  const all = (async function* () {
    yield* head;
    for (let r = await src.next(); !r.done; r = await src.next()) yield shape === 'lines' ? r.value : Buffer.from(r.value);
  })();
  if (shape !== 'lines') {
    stats.data.format = shape;
    await scanValues(all, shape, sink, stats);
    return stats;
  }
  const splitter = new LineSplitter(sink, stats, { startOffset: 0, skipFirstLine: false, endOffset: Infinity });
  for await (const chunk of all) splitter.push(chunk);
  splitter.end();
  return stats;
}
