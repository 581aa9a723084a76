// Own line buffer (spec vault.md §3.2): splits a byte stream into lines, tracking 1-based line
// numbers and 0-based byte offsets, stripping a trailing \r and a leading UTF-8 BOM, counting blank
// lines, and refusing lines over MAX_LINE_BYTES instead of crashing. Knows nothing of JSON or vendors.

import type { FileStats } from './file-stats.js';

/** No cap below 256 MiB (§3.2); V8 strings top out near 512 MiB, so this always fits. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface LineSink {
  /**
   * One non-blank line: bytes buf[start, end) without the line end. `unterminated` is true for the
   * last line of a file that lacks its final newline (a file still being written, §3.4).
   */
  line(buf: Buffer, start: number, end: number, lineNo: number, byteOffset: number, unterminated: boolean): void;
  /** A line over MAX_LINE_BYTES; its bytes were dropped. */
  tooLong(lineNo: number, byteOffset: number): void;
}

export interface LineSplitterOptions {
  /** Absolute byte offset of the first byte fed. */
  startOffset: number;
  /** Skip bytes through the first newline (a byte range that starts mid-file, see scan.ts). */
  skipFirstLine: boolean;
  /** Lines starting at or after this offset are not emitted (end of a byte range). */
  endOffset: number;
}

const NL = 10, CR = 13;

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

export class LineSplitter {
  private offset: number; // absolute offset of the next byte to be fed
  private skipping: boolean;
  private lineNo = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingStart = 0; // absolute offset where the pending line starts
  private overflow = false; // current line exceeded MAX_LINE_BYTES
  private atFileStart: boolean;
  /** Set once a line at or after endOffset is reached: the caller may stop reading. */
  done = false;

  constructor(
    private readonly sink: LineSink,
    private readonly stats: FileStats,
    private readonly opts: LineSplitterOptions,
  ) {
    this.offset = opts.startOffset;
    this.pendingStart = opts.startOffset;
    this.skipping = opts.skipFirstLine;
    this.atFileStart = opts.startOffset === 0 && !opts.skipFirstLine;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    let pos = 0;
    const len = chunk.length;
    if (this.skipping) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        this.offset += len;
        return;
      }
      this.skipping = false;
      pos = nl + 1;
      this.pendingStart = this.offset + pos;
    }
    while (pos < len) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        this.keep(chunk, pos, len);
        break;
      }
      if (this.pendingBytes > 0 || this.overflow) {
        this.keep(chunk, pos, nl);
        this.flushPending(false);
      } else {
        this.emit(chunk, pos, nl, this.offset + pos, false);
      }
      pos = nl + 1;
      this.pendingStart = this.offset + pos;
      if (this.done) return;
    }
    this.offset += len;
  }

  /** End of input: a pending line without a newline is the unterminated last line. */
  end(): void {
    if (this.done) return;
    if (this.pendingBytes > 0 || this.overflow) this.flushPending(true);
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.overflow) return;
    if (this.pendingBytes + (to - from) > MAX_LINE_BYTES) {
      this.overflow = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the stream may reuse its chunk buffers.
    this.pending.push(Buffer.from(chunk.subarray(from, to)));
    this.pendingBytes += to - from;
  }

  private flushPending(unterminated: boolean): void {
    const start = this.pendingStart;
    if (this.overflow) {
      this.overflow = false;
      if (start >= this.opts.endOffset) {
        this.done = true;
        return;
      }
      this.lineNo++;
      this.stats.data.lines++;
      this.sink.tooLong(this.lineNo, start);
      return;
    }
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(buf, 0, buf.length, start, unterminated);
  }

  private emit(buf: Buffer, start: number, end: number, byteOffset: number, unterminated: boolean): void {
    if (byteOffset >= this.opts.endOffset) {
      this.done = true;
      return;
    }
    this.lineNo++;
    this.stats.data.lines++;
    if (this.atFileStart) {
      // A UTF-8 BOM opens the first line only; checked on the whole line so that a BOM split
      // across tiny stdin reads is still recognised.
      this.atFileStart = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start || isBlank(buf, start, end)) {
      this.stats.data.blankLines++;
      return;
    }
    this.sink.line(buf, start, end, this.lineNo, byteOffset, unterminated);
  }
}
