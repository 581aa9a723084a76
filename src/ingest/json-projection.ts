// Projected JSON parsing: what `prune(JSON.parse(text), shape)` returns, without building the rest.
//
// Audit lines are mostly payload the counting rules never read (request/response `data`, headers,
// metadata, policy details). A shape names the object paths a caller reads; the WebAssembly projector
// (wasm/json-project.ts) validates the whole line with JSON.parse's grammar and records where the last
// value of each path lies, and this module decodes only those values. The result is, by construction and
// by test (test/ingest/json-projection.test.ts), deep-equal to pruneToShape(JSON.parse(text), shape) once
// keys the text lacks (present here as undefined) are ignored, and a line is rejected exactly when
// JSON.parse would throw. Knows nothing of vendors.
//
// Exact fallbacks to JSON.parse + pruneToShape: an escaped key at a shape level, a top-level value that
// is not an object, and lines over WASM_MAX_LINE. Wasm memory never shrinks, so a line over LONG_LINE
// is projected by a projector of its own that is dropped with its memory afterwards: a projector
// keeps about 1.1x LONG_LINE plus its 7 MB intern store, whatever the longest line. (A projection
// stream's writer keeps its long-line projector while lines stay under 16 MiB: see there.)
//
// With a time path (ProjectorOptions.time) the wasm also parses the line's event time, as
// ingest/time.ts parseEventTime would, when it has Vault's form (parsedTime()).
//
// emitLine() is project() without the decoding, for a thread that sends the wasm's results to another
// thread to decode (projection-stream.ts): it writes them as that stream's records. scanOnly(),
// output() and packSlots() do the same in steps, for the long lines of a projector of their own.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READ_CHUNK, type ReadBuffers } from './open.js';
import type { EventTime } from './time.js';

/** Object keys to keep; `true` keeps the value whole, a nested shape keeps only its keys (when an object). */
export interface Shape {
  readonly [key: string]: Shape | true;
}

/** Returned for text JSON.parse would reject. */
export const INVALID: unique symbol = Symbol('invalid JSON');

/** Lines longer than this take the JSON.parse path (rare; keeps wasm memory small). */
export const WASM_MAX_LINE = 32 * 1024 * 1024;

/**
 * Lines longer than this get a projector of their own, without an intern store, garbage once the line
 * is done. Measured in /proc/self/smaps on the 3 GB bench log (12 MB longest line): a thread's wasm
 * memory stayed 17-25 MB resident after its longest line, ~6 MB this way; 23 of its 1.38M lines are
 * this long.
 */
export const LONG_LINE = 1024 * 1024;

type Obj = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reference semantics: `value` reduced to the shape's keys (own properties only). */
export function pruneToShape(value: unknown, shape: Shape): unknown {
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const key of Object.keys(shape)) {
    if (!Object.hasOwn(value, key)) continue;
    const sub = shape[key]!;
    out[key] = sub === true ? value[key] : pruneToShape(value[key], sub);
  }
  return out;
}

interface ProjectorExports {
  memory: WebAssembly.Memory;
  shapeOffset(): number;
  shapeBytes(): number;
  resultsOffset(): number;
  maxSlots(): number;
  maxDepth(): number;
  inputOffset(): number;
  stackOffset(len: number): number;
  tableOffset(): number;
  memoryNeeded(len: number): number;
  stateOffset(): number;
  internRefsOffset(): number;
  internArenaOffset(): number;
  setInternMask(lo: number, hi: number): void;
  setSlotCount(n: number): void;
  setTimeSlot(slot: number): void;
  projectAt(at: number, len: number, stack: number): number;
  packedOffset(): number;
  packSlots(): number;
  recordsOffset(): number;
  recordsWords(): number;
  emitLine(at: number, len: number, stack: number, dest: number, lineNo: number, offLo: number, offHi: number, unterminated: number): number;
}

function locateWasm(): string {
  // Compiled layout: dist/src/ingest/json-projection.js -> dist/json-project.wasm
  const direct = fileURLToPath(new URL('../../json-project.wasm', import.meta.url));
  if (existsSync(direct)) return direct;
  // Source layout (vitest runs src/*.ts): the package root's dist/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const p = join(dir, 'dist', 'json-project.wasm');
      if (existsSync(p)) return p;
      throw new Error(`${p} not found: run npm run build`);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('dist/json-project.wasm not found: run npm run build');
    dir = up;
  }
}

let compiled: WebAssembly.Module | null = null;
const wasmModule = (): WebAssembly.Module => (compiled ??= new WebAssembly.Module(readFileSync(locateWasm())));

/** Compiles the projector's wasm now rather than on first use (a worker does it while it waits for work). */
export function precompileProjector(): void {
  wasmModule();
}

const FLAG_ESCAPED = 1;
const FLAG_PROJECTED = 2;
const FLAG_IN_TABLE = 4;
const FLAG_JSON_TEXT = 8;
const FLAG_INTERNED = 16;
/** Intern store length word (wasm/json-project.ts): the bytes are JSON text / not ASCII. */
const LEN_JSON_TEXT = 0x80000000;
const LEN_NOT_ASCII = 0x40000000;
export const LEN_BYTES = 0x3fffffff;
/** The wasm's MAX_SLOTS and MAX_KEPT_LEN (the longest value it interns or puts in the table). */
const MAX_SLOTS = 64;
const MAX_KEPT_LEN = 512;
/** The wasm's string table at most: MAX_SLOTS values of MAX_KEPT_LEN bytes and their slack there. */
const TABLE_BYTES_MAX = MAX_SLOTS * (MAX_KEPT_LEN + 8);
/** Ids the wasm intern store holds at most (MAX_IDS there): ids are below it. */
export const MAX_INTERN_IDS = 1 << 16;
/** Words of a LINE record before its slot words (the wasm's LINE_HEAD; layout: projection-stream.ts). */
export const LINE_HEAD_WORDS = 9;
/**
 * Words emitLine writes for one line at most: a reset, an intern record per slot (3 words and up to
 * MAX_KEPT_LEN bytes), the line's head and slot words, and its table.
 */
export const LINE_RECORD_WORDS = 1 + MAX_SLOTS * (3 + MAX_KEPT_LEN / 4) + LINE_HEAD_WORDS + MAX_SLOTS + TABLE_BYTES_MAX / 4;
const TWO_32 = 2 ** 32;

/** The wasm's results after JsonProjector.scanOnly (layout: wasm/json-project.ts). */
export interface ProjectorOutput {
  /** The whole wasm memory. */
  readonly memory: Buffer;
  /** Slot records, 4 words each: start (-1: absent), end, flags, table offset or intern id. */
  readonly slots: Int32Array;
  readonly slotCount: number;
  /**
   * [ids in the intern store, store resets so far, string table length, then the line's event time
   * (see ProjectorOptions.time): its nanoseconds below the millisecond (-1: not parsed), and its
   * epoch milliseconds as two words, low first].
   */
  readonly state: Int32Array;
  readonly tableAt: number;
  /** Per intern id: its offset in the arena and its length word. */
  readonly internRefs: Uint32Array;
  readonly internArenaAt: number;
  /** Where packSlots() leaves a line's slot words and string table. */
  readonly packed: Int32Array;
  /** Where emitLine() writes records, and the rest of the records being gathered (see there). */
  readonly records: Int32Array;
}

type SliceBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/**
 * Builds the projection object from the slot records (S), the decoded interned values (I) and the
 * general decoder (v); generated per shape (see compileBuilder).
 */
type Builder = (slots: Int32Array, interned: unknown[], value: (slot: number) => unknown) => Obj;

/** Options of a JsonProjector. */
export interface ProjectorOptions {
  /** Lines longer than this take the JSON.parse path (default WASM_MAX_LINE). */
  maxWasmLine?: number;
  /** Lines longer than this are projected by a projector made for the line (default LONG_LINE). */
  longLine?: number;
  /** False: nothing is interned (a projector for one long line). */
  intern?: boolean;
  /**
   * Paths (key lists) whose values differ on almost every line, such as a timestamp: decoded per
   * line instead of interned, so they do not fill the intern store.
   */
  perLine?: readonly (readonly string[])[];
  /**
   * The path of an RFC 3339 event time: the wasm parses its value as parseEventTime would when it has
   * Vault's form (see wasm/json-project.ts parseTime), and parsedTime() gives it (~200 ns a line in
   * JavaScript, a few in the wasm).
   */
  time?: readonly string[];
}

/**
 * Parses one JSON text per call into its projection on `shape`. One wasm instance per projector.
 * Keys of the shape that the text lacks read as undefined (own properties with that value), which no
 * reader can tell from absent ones; everything else is what pruneToShape(JSON.parse(text)) returns.
 *
 * Values repeat across lines (a token on every request it makes, an accessor, a mount), so the wasm
 * interns every value of up to 512 bytes outside `perLine` paths: JS decodes a value once per store
 * generation, and a repeated value is the same string. That saves the decoding and the garbage, makes
 * equality checks of repeated values a pointer comparison and lets V8 reuse the string's cached hash
 * in Map lookups. Interned arrays and objects are shared between lines, so they are frozen: a caller
 * that mutates a projected value gets a TypeError instead of a silently changed later line.
 */
export class JsonProjector {
  private readonly wasm: ProjectorExports;
  private memBuf!: SliceBuffer;
  private slots!: Int32Array;
  /** wasm STATE (see ProjectorOutput.state). */
  private state!: Int32Array;
  private internRefs!: Uint32Array;
  private readonly builder: Builder;
  // The line being decoded: its buffer, where it starts, and its string table (one decode per line:
  // a decode call costs ~120 ns, a substring of the table ~15 ns).
  private buf: SliceBuffer = Buffer.alloc(0) as SliceBuffer;
  private source: Buffer | null = null;
  private sourceBytes: Uint8Array = new Uint8Array(0);
  private base = 0;
  private table = '';
  /** Decoded intern store values by id, and how many of the store's ids they cover. */
  private interned: unknown[] = [];
  private internedCount = 0;
  private internResets = 0;
  private readonly value = (slot: number): unknown => this.decodeSlot(slot);

  private readonly maxWasmLine: number;
  private readonly longLine: number;
  private readonly timePath: readonly string[] | undefined;
  /** Whether the last project() ran the wasm to the end (its time, if any, is in state). */
  private projectedByWasm = false;
  /** Where the wasm wants the line, and where it leaves the string table (fixed addresses). */
  private readonly inputAt: number;
  private readonly tableAt: number;
  /** Longest line the wasm memory has been sized for. */
  private reservedLen = -1;
  /**
   * Set once readBuffers() has lent memory: from then on it must never grow (growing detaches the
   * ArrayBuffer those Buffers view). Lines read there are parsed in place, with their stack here.
   */
  private pinnedMemory: ArrayBuffer | null = null;
  private inPlaceStackAt = 0;
  /** The container stack of the line place() put last. */
  private placedStack = 0;
  /** Slots the shape uses. */
  private slotCount = 0;
  private outputViews: ProjectorOutput | null = null;

  constructor(private readonly shape: Shape, options: ProjectorOptions = {}) {
    this.maxWasmLine = options.maxWasmLine ?? WASM_MAX_LINE;
    this.longLine = options.longLine ?? LONG_LINE;
    this.timePath = options.time;
    const instance = new WebAssembly.Instance(wasmModule(), {
      env: { abort: (): never => { throw new Error('json-project.wasm aborted'); } },
    });
    this.wasm = instance.exports as unknown as ProjectorExports;
    this.inputAt = this.wasm.inputOffset();
    this.tableAt = this.wasm.tableOffset();
    const slotsOf = this.writeShape(shape);
    this.slotCount = countSlots(slotsOf);
    this.builder = compileBuilder(shape, slotsOf);
    if (options.intern === false) this.wasm.setInternMask(0, 0);
    else this.setInternMask(shape, slotsOf, options.perLine ?? []);
    if (options.time !== undefined) this.wasm.setTimeSlot(slotOfPath(shape, slotsOf, options.time));
    this.reserve(0); // sizes the memory for the intern store and sets the views
  }

  /** The projection of buf[start, end), or INVALID where JSON.parse would throw. */
  project(buf: Buffer, start: number, end: number): unknown {
    const len = end - start;
    this.projectedByWasm = false;
    if (len > this.maxWasmLine) return this.parseFully(buf, start, end);
    if (len > this.longLine) {
      // Its memory goes with it (the store it never touched is not resident either).
      return this.longLineProjector().project(buf, start, end);
    }
    switch (this.runWasm(buf, start, end)) {
      case 1: {
        this.projectedByWasm = true;
        const state = this.state;
        if (state[1] !== this.internResets) this.dropInterned(state[1]!);
        if (state[0] !== this.internedCount) this.decodeInterned(state[0]!);
        const tableLength = state[2]!;
        this.table = tableLength === 0 ? '' : this.memBuf.latin1Slice(this.tableAt, this.tableAt + tableLength);
        this.buf = buf as SliceBuffer;
        this.base = start;
        return this.builder(this.slots, this.interned, this.value);
      }
      case 0: return INVALID;
      default: return this.parseFully(buf, start, end);
    }
  }

  /**
   * The event time (ProjectorOptions.time) of the line project() returned last, when the wasm parsed
   * it; null otherwise (no time path, another form of time, or a line the wasm did not project),
   * and the caller then parses the projection's value itself.
   */
  parsedTime(): EventTime | null {
    return this.projectedByWasm ? timeFromWords(this.state, 3) : null;
  }

  /**
   * A projector for lines over longLine (see LONG_LINE): no intern store. project() drops it after
   * the line; a projection stream's writer keeps one for the next long line.
   */
  longLineProjector(): JsonProjector {
    return new JsonProjector(this.shape, { maxWasmLine: this.maxWasmLine, longLine: Infinity, intern: false, time: this.timePath });
  }

  /** Whether scanOnly takes a line of `len` bytes (else: longLineProjector(), or JSON.parse past maxWasmLine). */
  scans(len: number): boolean {
    return len <= this.longLine;
  }

  /**
   * project()'s first half, for a thread that ships projections to another (projection-stream.ts):
   * runs the wasm and leaves its results in memory (output()) without decoding anything. 1: the slot
   * records, string table and intern store are ready; 0: JSON.parse would throw; -1: the line needs
   * project() itself (a JSON.parse fallback or a long line).
   */
  scanOnly(buf: Buffer, start: number, end: number): number {
    const len = end - start;
    if (len > this.longLine || len > this.maxWasmLine) return -1;
    const status = this.runWasm(buf, start, end);
    return status === 1 ? 1 : status === 0 ? 0 : -1;
  }

  /** The wasm's status for buf[start, end), a line of up to longLine bytes (see the wasm's header). */
  private runWasm(buf: Buffer, start: number, end: number): number {
    return this.wasm.projectAt(this.place(buf, start, end), end - start, this.placedStack);
  }

  /**
   * Where the wasm finds buf[start, end), with its container stack left in placedStack: where it
   * lies when it was read into this memory (readBuffers: no copy), else copied to inputOffset (memory
   * grown to fit it).
   */
  private place(buf: Buffer, start: number, end: number): number {
    if (buf.buffer === this.pinnedMemory) {
      this.placedStack = this.inPlaceStackAt;
      return buf.byteOffset + start;
    }
    const len = end - start;
    this.reserve(len);
    // A plain Uint8Array view of the caller's buffer (kept while it passes the same one): its
    // subarray() is cheaper than a Buffer's, and buf.copy has a slow JS prologue.
    if (buf !== this.source) {
      this.source = buf;
      this.sourceBytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    }
    this.memBuf.set(this.sourceBytes.subarray(start, end), this.inputAt);
    this.placedStack = this.wasm.stackOffset(len);
    return this.inputAt;
  }

  /** Where scanOnly() leaves its results (new views after memory grew: ask after each scanOnly). */
  output(): ProjectorOutput {
    return this.outputViews ??= {
      memory: this.memBuf, slots: this.slots, slotCount: this.slotCount, state: this.state, tableAt: this.tableAt,
      internRefs: this.internRefs, internArenaAt: this.wasm.internArenaOffset(),
      packed: new Int32Array(this.wasm.memory.buffer, this.wasm.packedOffset(), this.slotCount + TABLE_BYTES_MAX / 4),
      records: new Int32Array(this.wasm.memory.buffer, this.wasm.recordsOffset(), this.wasm.recordsWords()),
    };
  }

  /**
   * For a thread that ships projections to another (projection-stream.ts, which has the record
   * layout): projects buf[start, end), a line scans() takes, and writes its records from word
   * `dest` of output().records, as wasm/json-project.ts emitLine does: the values the intern store
   * gained since the last emitLine (a projector feeds one stream), then the line. Returns the word
   * where they end, or (that end) negated minus one when the line must travel as bytes instead (no
   * line record was written then; the intern records were). Records a line writes take at most
   * LINE_RECORD_WORDS words.
   */
  emitLine(buf: Buffer, start: number, end: number, dest: number, lineNo: number, byteOffset: number, unterminated: boolean): number {
    const at = this.place(buf, start, end);
    return this.wasm.emitLine(at, end - start, this.placedStack, dest, lineNo, byteOffset % TWO_32, Math.floor(byteOffset / TWO_32),
      unterminated ? 1 : 0);
  }

  /**
   * After scanOnly() returned 1: the line's slot words and string table in output().packed, in the
   * layout of projection-stream.ts. Returns how many words they take, or -1 when a value is neither
   * interned nor in the table (a string over 512 bytes, or a non-ASCII one of a perLine path).
   */
  packSlots(): number {
    return this.wasm.packSlots();
  }

  /** The store was emptied (it is full): forget its values, the ids restart at 0. */
  private dropInterned(resets: number): void {
    this.internResets = resets;
    this.interned = [];
    this.internedCount = 0;
  }

  /** Decodes the values the store gained on this line (ids are handed out in order). */
  private decodeInterned(count: number): void {
    const refs = this.internRefs;
    const arena = this.wasm.internArenaOffset();
    for (let id = this.internedCount; id < count; id++) {
      this.interned[id] = decodeInternedValue(this.memBuf, arena + refs[id * 2]!, refs[id * 2 + 1]!);
    }
    this.internedCount = count;
  }

  private decodeSlot(slot: number): unknown {
    const slots = this.slots;
    const s = slots[slot * 4]!;
    if (s < 0) return undefined;
    const flags = slots[slot * 4 + 2]!;
    if ((flags & FLAG_INTERNED) !== 0) return this.interned[slots[slot * 4 + 3]!];
    const e = slots[slot * 4 + 1]!;
    if ((flags & FLAG_IN_TABLE) !== 0) return decodeTableValue(this.table, slots[slot * 4 + 3]!, e - s, (flags & FLAG_JSON_TEXT) !== 0);
    return decodeValue(this.buf, this.base + s, this.base + e, (flags & FLAG_ESCAPED) !== 0);
  }

  private parseFully(buf: Buffer, start: number, end: number): unknown {
    try {
      return pruneToShape(JSON.parse(buf.toString('utf8', start, end)), this.shape);
    } catch {
      return INVALID;
    }
  }

  /**
   * `count` buffers of `bytes` each inside this projector's memory, for a reader to fill: lines
   * projected from them skip the copy into wasm memory (63-68 ms per 600 MB and thread on the bench
   * log; the Vault collector over its first 300 MB, one thread, 6 interleaved pairs in one process:
   * 569 -> 543 ms). Sizes the memory for every line this projector takes (up to longLine) at once,
   * since it may never grow again. Once per projector.
   */
  readBuffers(count: number, bytes: number): Buffer[] {
    if (this.pinnedMemory !== null) throw new Error('readBuffers: already lent');
    if (!Number.isFinite(this.longLine)) throw new Error('readBuffers: needs a finite longLine');
    this.reserve(this.longLine);
    const align = (n: number): number => Math.ceil(n / 64) * 64;
    // After each buffer: the 16 bytes the wasm swaps for its sentinel and 16 it may read past them.
    const PAD = 64;
    this.inPlaceStackAt = align(this.wasm.memoryNeeded(this.longLine));
    const first = align(this.inPlaceStackAt + Math.floor(this.longLine / 8) + 64);
    const need = first + count * align(bytes + PAD);
    const memory = this.wasm.memory;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    ({ memBuf: this.memBuf, slots: this.slots, state: this.state, internRefs: this.internRefs } = this.views());
    this.outputViews = null;
    this.pinnedMemory = memory.buffer;
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) out.push(Buffer.from(memory.buffer, first + i * align(bytes + PAD), bytes));
    return out;
  }

  /** Bytes of wasm memory this projector holds (it only grows). */
  get wasmMemoryBytes(): number {
    return this.wasm.memory.buffer.byteLength;
  }

  /** Makes memory fit a line of `len` bytes; per line only a comparison once it fits (no wasm call). */
  private reserve(len: number): void {
    if (len <= this.reservedLen) return;
    // readBuffers reserved longLine, and longer lines never come here.
    if (this.pinnedMemory !== null) throw new Error('json projector: memory is lent and cannot grow');
    const need = this.wasm.memoryNeeded(len);
    const memory = this.wasm.memory;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    this.reservedLen = len;
    ({ memBuf: this.memBuf, slots: this.slots, state: this.state, internRefs: this.internRefs } = this.views());
    this.outputViews = null;
  }

  /** Views of the wasm memory (renewed when it grows: growing detaches the old buffer). */
  private views(): { memBuf: SliceBuffer; slots: Int32Array; state: Int32Array; internRefs: Uint32Array } {
    const buffer = this.wasm.memory.buffer;
    return {
      memBuf: Buffer.from(buffer) as SliceBuffer,
      slots: new Int32Array(buffer, this.wasm.resultsOffset(), this.wasm.maxSlots() * 4),
      state: new Int32Array(buffer, this.wasm.stateOffset(), 6),
      internRefs: new Uint32Array(buffer, this.wasm.internRefsOffset(), MAX_INTERN_IDS * 2),
    };
  }

  /** Interns every slot's value except those of `perLine` paths (see the class comment). */
  private setInternMask(shape: Shape, slotsOf: Map<Shape, number[]>, perLine: readonly (readonly string[])[]): void {
    let lo = 0xffffffff;
    let hi = 0xffffffff;
    for (const path of perLine) {
      const slot = slotOfPath(shape, slotsOf, path);
      if (slot < 32) lo &= ~(1 << slot);
      else hi &= ~(1 << (slot - 32));
    }
    this.wasm.setInternMask(lo >>> 0, hi >>> 0);
  }

  /** Lays the shape out as the wasm table (see wasm/json-project.ts); returns each shape key's slot. */
  private writeShape(shape: Shape): Map<Shape, number[]> {
    const nodes: { first: number; count: number }[] = [];
    const entries: { keyOff: number; keyLen: number; slot: number; child: number; lastDesc: number }[] = [];
    const keyBytes: number[] = [];
    const slotsOf = new Map<Shape, number[]>();
    let nextSlot = 0;
    const maxDepth = this.wasm.maxDepth();
    const visit = (s: Shape, depth: number): number => {
      if (depth > maxDepth) throw new Error(`shape deeper than ${maxDepth} levels`);
      if (slotsOf.has(s)) throw new Error('a shape object may appear once');
      const id = nodes.length;
      const keys = Object.keys(s);
      // A node's own entries are contiguous; its children's entries follow.
      const node = { first: entries.length, count: keys.length };
      nodes.push(node);
      const mine = keys.map((key) => {
        // Such a key only ever appears escaped in JSON text, which the wasm leaves to the JSON.parse path.
        if (/["\\\u0000-\u001f]/.test(key)) throw new Error(`shape key ${JSON.stringify(key)} needs escaping`);
        // In the generated object literal this key would set the prototype instead of a property.
        if (key === '__proto__') throw new Error('shape key __proto__ is not supported');
        const bytes = Buffer.from(key, 'utf8');
        const entry = { keyOff: keyBytes.length, keyLen: bytes.length, slot: -1, child: -1, lastDesc: -1 };
        keyBytes.push(...bytes);
        while (keyBytes.length % 8 !== 0) keyBytes.push(0); // the wasm compares keys a word at a time
        return entry;
      });
      entries.push(...mine);
      const slots: number[] = [];
      slotsOf.set(s, slots);
      keys.forEach((key, i) => {
        const entry = mine[i]!;
        entry.slot = nextSlot++;
        slots.push(entry.slot);
        const sub = s[key]!;
        if (sub !== true) entry.child = visit(sub, depth + 1);
        entry.lastDesc = nextSlot - 1;
      });
      return id;
    };
    visit(shape, 1);
    if (nextSlot > this.wasm.maxSlots() || nodes.length > 127 || keyBytes.length > 2048 - 8
      || entries.length > (2048 - 512) / 8) throw new Error('shape too large for json-project.wasm');
    
    const table = Buffer.alloc(this.wasm.shapeBytes());
    table.writeUInt16LE(nodes.length, 0);
    nodes.forEach((n, i) => {
      table.writeUInt16LE(n.first, 2 + i * 4);
      table.writeUInt16LE(n.count, 4 + i * 4);
    });
    entries.forEach((e, i) => {
      const o = 512 + i * 8;
      table.writeUInt16LE(e.keyOff, o);
      table.writeUInt8(e.keyLen, o + 2);
      table.writeUInt8(e.slot, o + 3);
      table.writeInt8(e.child, o + 4);
      table.writeUInt8(e.lastDesc, o + 5);
    });
    Buffer.from(keyBytes).copy(table, 2048);
    new Uint8Array(this.wasm.memory.buffer).set(table, this.wasm.shapeOffset());
    this.wasm.setSlotCount(nextSlot);
    return slotsOf;
  }
}

/** The slot of a path of keys in the shape. */
function slotOfPath(shape: Shape, slotsOf: Map<Shape, number[]>, path: readonly string[]): number {
  let node: Shape | true = shape;
  let slot = -1;
  for (const key of path) {
    const i = node === true ? -1 : Object.keys(node).indexOf(key);
    if (node === true || i < 0) throw new Error(`path ${JSON.stringify(path)} is not in the shape`);
    slot = slotsOf.get(node)![i]!;
    node = node[key]!;
  }
  return slot;
}

/**
 * An event time the wasm wrote as three words from `at`: nanoseconds below the millisecond (-1: none),
 * then epoch milliseconds as an i64, low word first.
 */
export function timeFromWords(words: Int32Array, at: number): EventTime | null {
  const subNs = words[at]!;
  return subNs < 0 ? null : { ms: words[at + 2]! * TWO_32 + (words[at + 1]! >>> 0), subNs };
}

/**
 * Lends two read buffers inside a projector's memory (JsonProjector.readBuffers) to one read at a
 * time, as a collector's Collector.readBuffers does: lines read there are projected without a copy.
 * The buffers are made on first use.
 */
export class ProjectorReadBuffers {
  private buffers: Buffer[] | null = null;
  private lent = false;

  constructor(private readonly projector: JsonProjector) {}

  /** The buffers, or null while a read has them. */
  lend(): ReadBuffers | null {
    if (this.lent) return null;
    this.buffers ??= this.projector.readBuffers(2, READ_CHUNK);
    this.lent = true;
    return { buffers: this.buffers, release: () => { this.lent = false; } };
  }
}

/**
 * The shape as one nested object literal, so every projection of a node has the same hidden class
 * (keys assigned one by one from a list made V8 fall back to slow keyed stores: 9% of a run).
 */
function compileBuilder(shape: Shape, slotsOf: Map<Shape, number[]>): Builder {
  // Per slot, inline: absent, interned (the common case, no call), else the general decodeSlot.
  const leaf = (slot: number): string =>
    `(S[${slot * 4}] < 0 ? undefined : (S[${slot * 4 + 2}] & ${FLAG_INTERNED}) !== 0 ? I[S[${slot * 4 + 3}]] : v(${slot}))`;
  const literal = (s: Shape): string => {
    const slots = slotsOf.get(s)!;
    const members = Object.keys(s).map((key, i) => {
      const slot = slots[i]!;
      const sub = s[key]!;
      const value = sub === true ? leaf(slot) : `(S[${slot * 4}] >= 0 && (S[${slot * 4 + 2}] & ${FLAG_PROJECTED}) !== 0 ? ${literal(sub)} : ${leaf(slot)})`;
      return `${JSON.stringify(key)}: ${value}`;
    });
    return `{ ${members.join(', ')} }`;
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON.stringify'd, slots are numbers
  return new Function('S', 'I', 'v', `return ${literal(shape)};`) as Builder;
}

/** A shape's slots as writeShape numbers them: depth first, a node's keys in order, each before its children's. */
export function slotLayout(shape: Shape): Map<Shape, number[]> {
  const slotsOf = new Map<Shape, number[]>();
  let next = 0;
  const visit = (s: Shape): void => {
    const slots: number[] = [];
    slotsOf.set(s, slots);
    for (const key of Object.keys(s)) {
      slots.push(next++);
      const sub = s[key]!;
      if (sub !== true) visit(sub);
    }
  };
  visit(shape);
  return slotsOf;
}

export function countSlots(slotsOf: Map<Shape, number[]>): number {
  let n = 0;
  for (const slots of slotsOf.values()) n += slots.length;
  return n;
}

/** An intern store value: `word` (length and kind) bytes at `at`. */
export function decodeInternedValue(buf: Buffer, at: number, word: number): unknown {
  const b = buf as SliceBuffer;
  const end = at + (word & LEN_BYTES);
  const text = (word & LEN_NOT_ASCII) !== 0 ? b.utf8Slice(at, end) : b.latin1Slice(at, end);
  return (word & LEN_JSON_TEXT) !== 0 ? deepFreeze(JSON.parse(text)) : text;
}

/**
 * A value in the line's string table at `at`, `len` bytes in the line: a string's content (its
 * quotes are not in the table), or `jsonText`: the value's JSON text.
 */
export function decodeTableValue(table: string, at: number, len: number, jsonText: boolean): unknown {
  if (!jsonText) return table.substring(at, at + len - 2);
  switch (table.charCodeAt(at)) {
    case 0x74: return true;
    case 0x66: return false;
    case 0x6e: return null;
    default: return JSON.parse(table.substring(at, at + len));
  }
}

/** Interned values are shared by every line that holds them. */
function deepFreeze(v: unknown): unknown {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** One validated JSON value buf[start, end) as JSON.parse would return it. */
function decodeValue(buf: SliceBuffer, start: number, end: number, escaped: boolean): unknown {
  switch (buf[start]) {
    case 0x22: // a string: its bytes are the value unless it holds escapes
      return escaped ? JSON.parse(buf.utf8Slice(start, end)) : buf.utf8Slice(start + 1, end - 1);
    case 0x74: return true;
    case 0x66: return false;
    case 0x6e: return null;
    default: return JSON.parse(buf.utf8Slice(start, end));
  }
}
