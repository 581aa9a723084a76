// Projected lines as a stream of records, so that one thread reads and validates lines (the wasm
// projector, JsonProjector.emitLine) while another builds the projection objects and folds them
// (parallel/pipelined.ts). The reading thread never decodes a value: the wasm writes a line's records
// itself, a word per slot, the string table, and each value the intern store gains, once. The folding
// thread keeps its own copy of the intern store's values by id and builds each line's projection with
// an object literal generated as JsonProjector's is, so a projection is the same value on either path
// (test/ingest/projection-stream.test.ts). A line the records cannot carry (a value neither interned
// nor in the table, a JSON.parse fallback, a line no JSON object was found on) travels as its bytes,
// and the folding thread reads it as if it had read it itself. Knows nothing of vendors.
//
// Records, in 32-bit words (little-endian), bytes padded to a word:
//   TASK    seq, shape            lines of task `seq` follow; shape 0 lines, 1 json-array, 2 json-stream
//   RESET                         the intern store was emptied: ids restart at 0 (every id is sent
//                                 again before a line uses it; the reader drops the old values)
//   INTERN  id, word, bytes       the store's value `id` (word: length and kind, as the wasm keeps it)
//   LINE    lineNo, offLo, offHi, unterminated, tableLength, the event time (subNs, -1 when the
//           projector did not parse it; epoch ms as two words, low first: JsonProjector.parsedTime),
//           a word per slot of the shape, table bytes (slot word: -1 absent; an intern id;
//           TABLE | JSON_TEXT? | value length << 16 | table offset; PROJECTED for an object whose
//           members have slots of their own)
//   RAW     lineNo, offLo, offHi, unterminated, length, bytes
//   TOOLONG lineNo, offLo, offHi

import {
  countSlots, decodeInternedValue, decodeTableValue, LEN_BYTES, LINE_HEAD_WORDS, LINE_RECORD_WORDS, MAX_INTERN_IDS, slotLayout,
  timeFromWords, type JsonProjector, type Shape,
} from './json-projection.js';
import type { FileShape } from './scan.js';
import type { EventTime } from './time.js';

const TASK = 1;
const RESET = 2;
const INTERN = 3;
const LINE = 4;
const RAW = 5;
const TOOLONG = 6;

// Slot words (LINE records), as the wasm's packSlots writes them (wasm/json-project.ts; keep the two
// in step). Intern ids are below MAX_INTERN_IDS (2^16); table offsets too (its table is ~33 KB), and
// table values are at most MAX_KEPT_LEN (512) bytes plus quotes.
const MAX_INTERN_ID = MAX_INTERN_IDS - 1;
const WORD_KIND = 3 << 28;
const WORD_TABLE = 1 << 28;
const WORD_PROJECTED = 2 << 28;
const WORD_JSON_TEXT = 1 << 27;
const MAX_TABLE_VALUE = 0x3ff;
const MAX_TABLE_OFFSET = 0xffff;

const SHAPES: readonly FileShape[] = ['lines', 'json-array', 'json-stream'];
const TWO_32 = 2 ** 32;

const wordsFor = (bytes: number): number => (bytes + 3) >>> 2;

/** Long lines up to this many bytes leave their projector to the next long line (see longLine). */
const KEEP_LONG_LINE_PROJECTOR = 16 * 1024 * 1024;

/** Where a writer puts its records: fixed-size batches handed to the reading thread in order. */
export interface BatchChannel {
  /** Capacity of a batch, in words. */
  readonly batchWords: number;
  /** An empty batch to write into (may wait until the reader has given one back). */
  acquire(): Int32Array;
  /** The batch acquired last holds `words` words of records: hand it over. */
  post(words: number): void;
  /** A record larger than a batch, in a buffer of its own (sent after every batch posted so far). */
  postLarge(record: Int32Array): void;
}

/** Receives what a stream carries, in the order it was written. */
export interface ProjectionStreamHandler {
  task(seq: number, shape: FileShape): void;
  /** `time`: the event time the projector parsed (JsonProjector.parsedTime), or null. */
  projected(value: unknown, lineNo: number, byteOffset: number, unterminated: boolean, time: EventTime | null): void;
  raw(buf: Buffer, start: number, end: number, lineNo: number, byteOffset: number, unterminated: boolean): void;
  tooLong(lineNo: number, byteOffset: number): void;
}

/**
 * The reading thread's half: lines in, records out (through a BatchChannel). Records are gathered in
 * the projector's memory (JsonProjector.output().records), where its emitLine writes a projected
 * line's records itself, and each batch is copied to the channel in one piece.
 */
export class ProjectionStreamWriter {
  /** Words of records gathered and not yet handed over; at most batchWords between calls. */
  private at = 0;
  private readonly batchWords: number;
  /** The record area's bytes (see recordBytesOf). */
  private recordBytes: Uint8Array = new Uint8Array(0);
  /** The projector of the last long line, while it was at most KEEP_LONG_LINE_PROJECTOR bytes. */
  private longLineProjector: JsonProjector | null = null;

  constructor(private readonly projector: JsonProjector, private readonly channel: BatchChannel) {
    this.batchWords = channel.batchWords;
    // A line's records are written after those gathered (up to a batch) before they are checked.
    if (this.batchWords + LINE_RECORD_WORDS > projector.output().records.length) {
      throw new Error(`projection stream: batches of ${this.batchWords} words exceed the projector's record area`);
    }
  }

  taskStart(seq: number, shape: FileShape): void {
    const w = this.room(3);
    w[this.at] = TASK;
    w[this.at + 1] = seq;
    w[this.at + 2] = SHAPES.indexOf(shape);
    this.at += 3;
  }

  /**
   * Line buf[start, end) whose JSON text starts at `from` (-1: none found). Projected here and sent
   * as records when it can be; otherwise sent as bytes for the other thread to read as a whole.
   */
  line(buf: Buffer, start: number, end: number, from: number, lineNo: number, byteOffset: number, unterminated: boolean): void {
    if (from < 0) return this.raw(buf, start, end, lineNo, byteOffset, unterminated);
    if (!this.projector.scans(end - from)) return this.longLine(buf, start, end, from, lineNo, byteOffset, unterminated);
    // The wasm writes the values the intern store gained (which go out whatever happens to the
    // line: later lines refer to their ids), then the line's slot words and string table.
    const before = this.at;
    const r = this.projector.emitLine(buf, from, end, before, lineNo, byteOffset, unterminated);
    this.at = r >= 0 ? r : -r - 1;
    if (this.at > this.batchWords) this.spill(before);
    if (r < 0) this.raw(buf, start, end, lineNo, byteOffset, unterminated);
  }

  tooLong(lineNo: number, byteOffset: number): void {
    writeHead(this.room(4), this.at, TOOLONG, lineNo, byteOffset);
    this.at += 4;
  }

  /** Hands over the records written so far (at the end of a task, or before a message of another kind). */
  flush(): void {
    if (this.at === 0) return;
    this.post(0, this.at);
    this.at = 0;
  }

  /** Hands over records [from, to) of the record area as one batch. */
  private post(from: number, to: number): void {
    const batch = this.channel.acquire();
    batch.set(this.projector.output().records.subarray(from, to));
    this.channel.post(to - from);
  }

  /**
   * The last line's records, from word `from`, took the gathered records past a batch: the records
   * before them go as a batch, and theirs start the next one (or go alone, if larger than a batch).
   */
  private spill(from: number): void {
    if (from > 0) this.post(0, from);
    const records = this.projector.output().records;
    const n = this.at - from;
    if (n > this.batchWords) {
      this.channel.postLarge(records.slice(from, this.at));
      this.at = 0;
      return;
    }
    records.copyWithin(0, from, this.at);
    this.at = n;
  }

  /**
   * A line over the projector's longLine (a few per GB, up to tens of MB) is projected by a projector
   * of its own that interns nothing: its values travel in the table. That projector is kept for the
   * next long line unless this one was over KEEP_LONG_LINE_PROJECTOR: a new projector per line grew
   * its memory anew each time (the 9 lines over 1 MiB of the 1.1 GB bench log: ~17 ms of growing
   * and the page faults of first use), and the writer keeps at most ~18 MB for it.
   */
  private longLine(buf: Buffer, start: number, end: number, from: number, lineNo: number, byteOffset: number, unterminated: boolean): void {
    const projector = this.longLineProjector ?? this.projector.longLineProjector();
    this.longLineProjector = end - from <= KEEP_LONG_LINE_PROJECTOR ? projector : null;
    if (projector.scanOnly(buf, from, end) !== 1) return this.raw(buf, start, end, lineNo, byteOffset, unterminated);
    const words = projector.packSlots();
    if (words < 0) return this.raw(buf, start, end, lineNo, byteOffset, unterminated);
    const out = projector.output();
    const w = this.room(LINE_HEAD_WORDS + words);
    const at = this.at;
    writeHead(w, at, LINE, lineNo, byteOffset);
    w[at + 4] = unterminated ? 1 : 0;
    w.set(out.state.subarray(2, 6), at + 5); // table length, then the event time
    w.set(out.packed.subarray(0, words), at + LINE_HEAD_WORDS);
    this.at = at + LINE_HEAD_WORDS + words;
  }

  private raw(buf: Buffer, start: number, end: number, lineNo: number, byteOffset: number, unterminated: boolean): void {
    const len = end - start;
    const words = 6 + wordsFor(len);
    let w: Int32Array;
    let at: number;
    const large = words > this.batchWords;
    if (large) {
      this.flush();
      w = new Int32Array(words);
      at = 0;
    } else {
      w = this.room(words);
      at = this.at;
      this.at += words;
    }
    writeHead(w, at, RAW, lineNo, byteOffset);
    w[at + 4] = unterminated ? 1 : 0;
    w[at + 5] = len;
    const bytes = large ? new Uint8Array(w.buffer) : this.recordBytesOf(w);
    bytes.set(buf.subarray(start, end), (at + 6) * 4);
    if (large) this.channel.postLarge(w);
  }

  /** The record area as bytes: a view kept until the projector's memory grows (a new buffer). */
  private recordBytesOf(records: Int32Array): Uint8Array {
    if (this.recordBytes.buffer !== records.buffer) this.recordBytes = new Uint8Array(records.buffer, records.byteOffset, records.byteLength);
    return this.recordBytes;
  }

  /** The record area, with room for `words` more words (handing over what it holds when it lacks it). */
  private room(words: number): Int32Array {
    if (this.at + words > this.batchWords) {
      this.flush();
      if (words > this.batchWords) throw new Error(`projection stream: a ${words}-word record exceeds a batch`);
    }
    return this.projector.output().records;
  }
}

/** Builds a line's projection from its slot words, which start at word `base` of `words`. */
type WordBuilder = (words: Int32Array, interned: unknown[], value: (slot: number) => unknown, base: number) => Record<string, unknown>;

/**
 * The shape as one object literal over slot words, as JsonProjector's builder is over slot records
 * (one hidden class per node): absent is undefined, an intern id its value, anything else decoded
 * from the table by `v`.
 */
function compileWordBuilder(shape: Shape, slotsOf: Map<Shape, number[]>): WordBuilder {
  const leaf = (slot: number): string => `((w = S[b + ${slot}]) < 0 ? undefined : w <= ${MAX_INTERN_ID} ? I[w] : v(${slot}))`;
  const literal = (s: Shape): string => {
    const slots = slotsOf.get(s)!;
    const members = Object.keys(s).map((key, i) => {
      const slot = slots[i]!;
      const sub = s[key]!;
      const value = sub === true ? leaf(slot) : `(S[b + ${slot}] === ${WORD_PROJECTED} ? ${literal(sub)} : ${leaf(slot)})`;
      return `${JSON.stringify(key)}: ${value}`;
    });
    return `{ ${members.join(', ')} }`;
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON.stringify'd, slots are numbers
  return new Function('S', 'I', 'v', 'b', `let w; return ${literal(shape)};`) as WordBuilder;
}

/** The folding thread's half: records in, projections (and raw lines) out to a handler. */
export class ProjectionStreamReader {
  private readonly build: WordBuilder;
  private readonly slotCount: number;
  private interned: unknown[] = [];
  // The line being built: its records, where its slot words start, and its string table.
  private words: Int32Array = new Int32Array(0);
  private base = 0;
  private table = '';
  private readonly value = (slot: number): unknown => this.decodeSlot(slot);

  constructor(shape: Shape) {
    const slotsOf = slotLayout(shape);
    this.build = compileWordBuilder(shape, slotsOf);
    this.slotCount = countSlots(slotsOf);
  }

  /** Reads `count` words of records from `words` (bytes: the same memory, as a Buffer). */
  read(words: Int32Array, bytes: Buffer, count: number, h: ProjectionStreamHandler): void {
    const slice = bytes as Buffer & { latin1Slice(start: number, end: number): string };
    let at = 0;
    while (at < count) {
      switch (words[at]) {
        case LINE: {
          const tableLength = words[at + 5]!;
          const base = at + LINE_HEAD_WORDS;
          const tableAt = (base + this.slotCount) * 4;
          this.words = words;
          this.base = base;
          this.table = tableLength === 0 ? '' : slice.latin1Slice(tableAt, tableAt + tableLength);
          const value = this.build(words, this.interned, this.value, base);
          h.projected(value, words[at + 1]!, offsetAt(words, at + 2), words[at + 4] === 1, timeFromWords(words, at + 6));
          at = base + this.slotCount + wordsFor(tableLength);
          break;
        }
        case INTERN: {
          const word = words[at + 2]! >>> 0;
          this.interned[words[at + 1]!] = decodeInternedValue(bytes, (at + 3) * 4, word);
          at += 3 + wordsFor(word & LEN_BYTES);
          break;
        }
        case RESET:
          this.interned = [];
          at += 1;
          break;
        case RAW: {
          const len = words[at + 5]!;
          const start = (at + 6) * 4;
          h.raw(bytes, start, start + len, words[at + 1]!, offsetAt(words, at + 2), words[at + 4] === 1);
          at += 6 + wordsFor(len);
          break;
        }
        case TOOLONG:
          h.tooLong(words[at + 1]!, offsetAt(words, at + 2));
          at += 4;
          break;
        case TASK:
          h.task(words[at + 1]!, SHAPES[words[at + 2]!]!);
          at += 3;
          break;
        default:
          throw new Error(`projection stream: corrupt record (type ${words[at]} at word ${at})`);
      }
    }
  }

  /** A table value (the writer sends only lines whose values are interned or in the table). */
  private decodeSlot(slot: number): unknown {
    const word = this.words[this.base + slot]!;
    if ((word & WORD_KIND) !== WORD_TABLE) throw new Error('projection stream: a value the records do not carry');
    return decodeTableValue(this.table, word & MAX_TABLE_OFFSET, (word >>> 16) & MAX_TABLE_VALUE, (word & WORD_JSON_TEXT) !== 0);
  }
}

/** The first words of a LINE, RAW or TOOLONG record: its type, line number and byte offset. */
function writeHead(w: Int32Array, at: number, type: number, lineNo: number, byteOffset: number): void {
  w[at] = type;
  w[at + 1] = lineNo;
  w[at + 2] = byteOffset % TWO_32;
  w[at + 3] = Math.floor(byteOffset / TWO_32);
}

/** A byte offset as writeHead stores it (two words, low first). */
function offsetAt(words: Int32Array, at: number): number {
  return (words[at]! >>> 0) + words[at + 1]! * TWO_32;
}
