// Projected lines as a stream of records, so that one thread reads and validates lines (the wasm
// projector, JsonProjector.scanOnly) while another builds the projection objects and folds them
// (parallel/pipelined.ts). The reading thread never decodes a value: it copies the word per slot and
// the string table the wasm packs for each line (packSlots), and each value the intern store gains,
// once. The folding thread keeps its own copy of the intern store's values by id and builds each
// line's projection with an object literal generated as JsonProjector's is, so a projection is the
// same value on either path (test/ingest/projection-stream.test.ts). A line the records cannot carry
// (a value neither interned nor in the table, a JSON.parse fallback, a line no JSON object was found
// on) travels as its bytes, and the folding thread reads it as if it had read it itself. Knows
// nothing of vendors.
//
// Records, in 32-bit words (little-endian), bytes padded to a word:
//   TASK    seq, shape            lines of task `seq` follow; shape 0 lines, 1 json-array, 2 json-stream
//   RESET                         the intern store was emptied: ids restart at 0 (every id is sent
//                                 again before a line uses it; the reader drops the old values)
//   INTERN  id, word, bytes       the store's value `id` (word: length and kind, as the wasm keeps it)
//   LINE    lineNo, offLo, offHi, unterminated, tableLength, a word per slot of the shape, table bytes
//           (slot word: -1 absent; an intern id; TABLE | JSON_TEXT? | value length << 16 | table offset;
//           PROJECTED for an object whose members have slots of their own)
//   RAW     lineNo, offLo, offHi, unterminated, length, bytes
//   TOOLONG lineNo, offLo, offHi

import {
  countSlots, decodeInternedValue, decodeTableValue, LEN_BYTES, slotLayout, type JsonProjector, type ProjectorOutput, type Shape,
} from './json-projection.js';
import type { FileShape } from './scan.js';

const TASK = 1;
const RESET = 2;
const INTERN = 3;
const LINE = 4;
const RAW = 5;
const TOOLONG = 6;

// Slot words (LINE records), as the wasm's packSlots writes them (wasm/json-project.ts; keep the two
// in step). Intern ids are below 2^16 (its MAX_IDS); table offsets too (its table is ~33 KB), and
// table values are at most MAX_KEPT_LEN (512) bytes plus quotes.
const MAX_INTERN_ID = 0xffff;
const WORD_KIND = 3 << 28;
const WORD_TABLE = 1 << 28;
const WORD_PROJECTED = 2 << 28;
const WORD_JSON_TEXT = 1 << 27;
const MAX_TABLE_VALUE = 0x3ff;
const MAX_TABLE_OFFSET = 0xffff;

const SHAPES: readonly FileShape[] = ['lines', 'json-array', 'json-stream'];
const TWO_32 = 2 ** 32;

const wordsFor = (bytes: number): number => (bytes + 3) >>> 2;

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
  projected(value: unknown, lineNo: number, byteOffset: number, unterminated: boolean): void;
  raw(buf: Buffer, start: number, end: number, lineNo: number, byteOffset: number, unterminated: boolean): void;
  tooLong(lineNo: number, byteOffset: number): void;
}

/** The reading thread's half: lines in, records out (through a BatchChannel). */
export class ProjectionStreamWriter {
  private words: Int32Array | null = null;
  private bytes: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** Intern ids already sent, and the store resets already announced. */
  private sentIds = 0;
  private sentResets = 0;

  constructor(private readonly projector: JsonProjector, private readonly channel: BatchChannel) {}

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
    // A line over the projector's longLine (a few per GB, up to tens of MB) is projected here too, by
    // a projector of its own that interns nothing: its values travel in the table.
    const projector = this.projector.scans(end - from) ? this.projector : this.projector.longLineProjector();
    const status = projector.scanOnly(buf, from, end);
    const out = projector.output();
    // Values the store gained go out whatever happens to the line: later lines refer to their ids.
    if (projector === this.projector) this.sendInterned(out);
    if (status !== 1) return this.raw(buf, start, end, lineNo, byteOffset, unterminated);
    // One word per slot, then the string table, packed by the wasm: the other thread's builder reads
    // them where they lie (~200 bytes a line).
    const words = projector.packSlots();
    if (words < 0) return this.raw(buf, start, end, lineNo, byteOffset, unterminated);
    const w = this.room(6 + words);
    const at = this.at;
    writeHead(w, at, LINE, lineNo, byteOffset);
    w[at + 4] = unterminated ? 1 : 0;
    w[at + 5] = out.state[2]!;
    const packed = out.packed;
    for (let i = 0; i < words; i++) w[at + 6 + i] = packed[i]!;
    this.at = at + 6 + words;
  }

  tooLong(lineNo: number, byteOffset: number): void {
    writeHead(this.room(4), this.at, TOOLONG, lineNo, byteOffset);
    this.at += 4;
  }

  /** Hands over the records written so far (at the end of a task, or before a message of another kind). */
  flush(): void {
    if (this.words !== null && this.at > 0) {
      this.channel.post(this.at);
      this.words = null;
    }
  }

  private raw(buf: Buffer, start: number, end: number, lineNo: number, byteOffset: number, unterminated: boolean): void {
    const len = end - start;
    const words = 6 + wordsFor(len);
    let w: Int32Array;
    let at: number;
    let bytes: Uint8Array;
    const large = words > this.channel.batchWords;
    if (large) {
      this.flush();
      w = new Int32Array(words);
      at = 0;
      bytes = new Uint8Array(w.buffer);
    } else {
      w = this.room(words);
      at = this.at;
      bytes = this.bytes;
      this.at += words;
    }
    writeHead(w, at, RAW, lineNo, byteOffset);
    w[at + 4] = unterminated ? 1 : 0;
    w[at + 5] = len;
    bytes.set(buf.subarray(start, end), (at + 6) * 4);
    if (large) this.channel.postLarge(w);
  }

  private sendInterned(out: ProjectorOutput): void {
    const state = out.state;
    if (state[1] !== this.sentResets) {
      this.sentResets = state[1]!;
      this.sentIds = 0;
      this.room(1)[this.at++] = RESET;
    }
    const count = state[0]!;
    for (let id = this.sentIds; id < count; id++) {
      const offset = out.internRefs[id * 2]!;
      const word = out.internRefs[id * 2 + 1]!;
      const len = word & LEN_BYTES;
      const w = this.room(3 + wordsFor(len));
      w[this.at] = INTERN;
      w[this.at + 1] = id;
      w[this.at + 2] = word;
      copyBytes(out.memory, out.internArenaAt + offset, len, this.bytes, (this.at + 3) * 4);
      this.at += 3 + wordsFor(len);
    }
    this.sentIds = count;
  }

  /** The current batch, with room for `words` more words (a new batch when it lacks it). */
  private room(words: number): Int32Array {
    if (this.words !== null && this.at + words <= this.words.length) return this.words;
    this.flush();
    if (words > this.channel.batchWords) throw new Error(`projection stream: a ${words}-word record exceeds a batch`);
    this.words = this.channel.acquire();
    this.bytes = new Uint8Array(this.words.buffer, this.words.byteOffset, this.words.byteLength);
    this.at = 0;
    return this.words;
  }
}

/**
 * Copies `len` bytes. A line's table is ~60 bytes: a loop beats making a subarray to set() from
 * (the subarrays were ~110 ms of the reading thread on the 1.1 GB bench log).
 */
function copyBytes(from: Uint8Array, at: number, len: number, to: Uint8Array, toAt: number): void {
  if (len > 256) {
    to.set(from.subarray(at, at + len), toAt);
    return;
  }
  for (let i = 0; i < len; i++) to[toAt + i] = from[at + i]!;
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
          const base = at + 6;
          const tableAt = (base + this.slotCount) * 4;
          this.words = words;
          this.base = base;
          this.table = tableLength === 0 ? '' : slice.latin1Slice(tableAt, tableAt + tableLength);
          const value = this.build(words, this.interned, this.value, base);
          h.projected(value, words[at + 1]!, offsetAt(words, at + 2), words[at + 4] === 1);
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
