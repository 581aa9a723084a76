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
// is not an object, and lines over WASM_MAX_LINE (so wasm memory, 2x the longest line, stays bounded).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Object keys to keep; `true` keeps the value whole, a nested shape keeps only its keys (when an object). */
export interface Shape {
  readonly [key: string]: Shape | true;
}

/** Returned for text JSON.parse would reject. */
export const INVALID: unique symbol = Symbol('invalid JSON');

/** Lines longer than this take the JSON.parse path (rare; keeps wasm memory small). */
export const WASM_MAX_LINE = 32 * 1024 * 1024;

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
  tableOffset(len: number): number;
  tableLength(): number;
  setSlotCount(n: number): void;
  project(len: number): number;
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

const FLAG_ESCAPED = 1;
const FLAG_PROJECTED = 2;
const FLAG_IN_TABLE = 4;
const FLAG_JSON_TEXT = 8;

type SliceBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/** Builds the projection object from the slot records; generated per shape (see compileBuilder). */
type Builder = (value: (slot: number) => unknown, projected: (slot: number) => boolean) => Obj;

/**
 * Parses one JSON text per call into its projection on `shape`. One wasm instance per projector.
 * Keys of the shape that the text lacks read as undefined (own properties with that value), which no
 * reader can tell from absent ones; everything else is what pruneToShape(JSON.parse(text)) returns.
 */
export class JsonProjector {
  private readonly wasm: ProjectorExports;
  private memBuf: SliceBuffer;
  private slots: Int32Array;
  private readonly builder: Builder;
  // The line being decoded: its buffer, where it starts, and its string table (one decode per line:
  // a decode call costs ~120 ns, a substring of the table ~15 ns).
  private buf: SliceBuffer = Buffer.alloc(0) as SliceBuffer;
  private base = 0;
  private table = '';
  private readonly value = (slot: number): unknown => this.decodeSlot(slot);
  private readonly projected = (slot: number): boolean =>
    this.slots[slot * 4]! >= 0 && (this.slots[slot * 4 + 2]! & FLAG_PROJECTED) !== 0;

  private readonly maxWasmLine: number;
  /** Longest line the wasm memory has been sized for. */
  private reservedLen = -1;

  constructor(private readonly shape: Shape, options: { maxWasmLine?: number } = {}) {
    this.maxWasmLine = options.maxWasmLine ?? WASM_MAX_LINE;
    const instance = new WebAssembly.Instance(wasmModule(), {
      env: { abort: (): never => { throw new Error('json-project.wasm aborted'); } },
    });
    this.wasm = instance.exports as unknown as ProjectorExports;
    this.builder = compileBuilder(shape, this.writeShape(shape));
    this.memBuf = Buffer.from(this.wasm.memory.buffer) as SliceBuffer;
    this.slots = new Int32Array(this.wasm.memory.buffer, this.wasm.resultsOffset(), this.wasm.maxSlots() * 4);
  }

  /** The projection of buf[start, end), or INVALID where JSON.parse would throw. */
  project(buf: Buffer, start: number, end: number): unknown {
    const len = end - start;
    if (len > this.maxWasmLine) return this.parseFully(buf, start, end);
    this.reserve(len);
    const wasm = this.wasm;
    this.memBuf.set(buf.subarray(start, end), wasm.inputOffset()); // (buf.copy has a slow JS prologue)
    switch (wasm.project(len)) {
      case 1: {
        const tableLength = wasm.tableLength();
        const tableAt = wasm.tableOffset(len);
        this.table = tableLength === 0 ? '' : this.memBuf.latin1Slice(tableAt, tableAt + tableLength);
        this.buf = buf as SliceBuffer;
        this.base = start;
        return this.builder(this.value, this.projected);
      }
      case 0: return INVALID;
      default: return this.parseFully(buf, start, end);
    }
  }

  private decodeSlot(slot: number): unknown {
    const slots = this.slots;
    const s = slots[slot * 4]!;
    if (s < 0) return undefined;
    const flags = slots[slot * 4 + 2]!;
    const e = slots[slot * 4 + 1]!;
    if ((flags & FLAG_IN_TABLE) !== 0) {
      const at = slots[slot * 4 + 3]!;
      if ((flags & FLAG_JSON_TEXT) === 0) return this.table.substring(at, at + e - s - 2);
      switch (this.table.charCodeAt(at)) {
        case 0x74: return true;
        case 0x66: return false;
        case 0x6e: return null;
        default: return JSON.parse(this.table.substring(at, at + e - s));
      }
    }
    return decodeValue(this.buf, this.base + s, this.base + e, (flags & FLAG_ESCAPED) !== 0);
  }

  private parseFully(buf: Buffer, start: number, end: number): unknown {
    try {
      return pruneToShape(JSON.parse(buf.toString('utf8', start, end)), this.shape);
    } catch {
      return INVALID;
    }
  }

  /** Makes memory fit a line of `len` bytes; per line only a comparison once it fits (no wasm call). */
  private reserve(len: number): void {
    if (len <= this.reservedLen) return;
    const need = this.wasm.tableOffset(len) + len + 64;
    const memory = this.wasm.memory;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    this.reservedLen = len;
    this.memBuf = Buffer.from(memory.buffer) as SliceBuffer;
    this.slots = new Int32Array(memory.buffer, this.wasm.resultsOffset(), this.wasm.maxSlots() * 4);
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

/**
 * The shape as one nested object literal, so every projection of a node has the same hidden class
 * (keys assigned one by one from a list made V8 fall back to slow keyed stores: 9% of a run).
 */
function compileBuilder(shape: Shape, slotsOf: Map<Shape, number[]>): Builder {
  const literal = (s: Shape): string => {
    const slots = slotsOf.get(s)!;
    const members = Object.keys(s).map((key, i) => {
      const slot = slots[i]!;
      const sub = s[key]!;
      const value = sub === true ? `v(${slot})` : `(p(${slot}) ? ${literal(sub)} : v(${slot}))`;
      return `${JSON.stringify(key)}: ${value}`;
    });
    return `{ ${members.join(', ')} }`;
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON.stringify'd, slots are numbers
  return new Function('v', 'p', `return ${literal(shape)};`) as Builder;
}

/**
 * A copy of a projected string that no longer shares memory with its line. Projected strings are
 * substrings of one decoded string per line, and V8 keeps that whole string alive for any substring
 * of 13+ characters; a collector that keeps ~50k tokens and ids would pin ~1 KB per value (measured:
 * 200k sliced strings holding 35 MB after 1.1 GB). Call it on values kept beyond the line (~90 ns).
 */
export function detach(s: string): string {
  // Concatenation makes a cons string; slice() flattens it into a fresh copy first.
  return s.length < 13 ? s : (' ' + s).slice(1);
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
