// A worker's partial result as transferable chunks of bytes. postMessage's structured clone writes
// every occurrence of a string in full (a token appears 3-5 times in a Vault partial) and the
// serialized copy exists while the worker's heap is still alive: on the 3 GB bench log that was a
// 50 MB buffer beside the worker's ~100 MB heap and memory, the run's peak RSS. Packed, each distinct
// string is written once (17 MB for that partial), the chunks move without a copy, and the pool
// unpacks them after the worker has exited (pool.ts), so the two never coexist.
//
// Plain data only: null, undefined, booleans, numbers, strings, arrays and plain objects, which is
// what Collector.partial() returns (platform.ts); no cycles. Unpacking gives what structured clone
// would give (the same keys in the same order, -0 and NaN kept, lone surrogates kept), except that
// only frozen objects reached twice are one object again: others come back as equal copies (the
// Vault partial refers to shared registrations by index instead). Anything else throws.

const enum Tag {
  Null, Undefined, False, True,
  /** Non-negative integer ≤ 2^53, as a varint. */
  UInt,
  /** Negative integer ≥ -2^53, its magnitude as a varint. */
  NegInt,
  Float,
  /** A string seen for the first time (ASCII: length + bytes); gets the next string index. */
  Ascii,
  /** A string with a non-ASCII code unit (UTF-16 code units, so lone surrogates survive). */
  Utf16,
  StringRef,
  /** An array: length + items. */
  Array,
  /** A plain object with a new key list: key count + keys + values; gets the next shape index. */
  ObjectNewShape,
  /** A plain object whose key list was seen before: shape index + values. */
  Object,
  /** Precedes the first packing of a frozen array or object: it gets the next object index. */
  Shared,
  /** A frozen array or object seen before: its object index. */
  ObjectRef,
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Output is written in chunks of this size (or one item's size, if larger) and no item spans two:
 * growing one buffer by doubling held the old copy and up to half the new one unused (the 3 GB log's
 * 17 MB partial: a 32 MB buffer and the 16 MB one it outgrew), where chunks waste at most one item's
 * bytes each.
 */
const CHUNK_BYTES = 1 << 20;
/** A tag and a varint. */
const HEAD_BYTES = 1 + 8;

class Writer {
  readonly chunks: Uint8Array[] = [];
  bytes = new Uint8Array(CHUNK_BYTES);
  view = new DataView(this.bytes.buffer);
  at = 0;

  /** Room for an item of up to `n` bytes in the current chunk (a new chunk when it lacks it). */
  reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    this.chunks.push(this.bytes.subarray(0, this.at));
    this.bytes = new Uint8Array(Math.max(CHUNK_BYTES, n));
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
  }

  /** An item of a tag alone. */
  tag(t: Tag): void {
    this.reserve(1);
    this.bytes[this.at++] = t;
  }

  /** An item of a tag and an unsigned integer ≤ 2^53. */
  tagged(t: Tag, n: number): void {
    this.reserve(HEAD_BYTES);
    this.bytes[this.at++] = t;
    this.varint(n);
  }

  /** 7 bits per byte (division, not bit operations, past 32 bits); the caller reserved room. */
  varint(n: number): void {
    while (n >= 0x80) {
      this.bytes[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.at++] = n;
  }

  float(n: number): void {
    this.reserve(9);
    this.bytes[this.at++] = Tag.Float;
    this.view.setFloat64(this.at, n, true);
    this.at += 8;
  }

  finish(): Uint8Array[] {
    if (this.at > 0) this.chunks.push(this.bytes.subarray(0, this.at));
    return this.chunks;
  }
}

/**
 * `value` packed, as chunks: transfer their buffers (each chunk owns one, so nothing is copied) and
 * unpack the chunks in order.
 */
export function pack(value: unknown): Uint8Array[] {
  const w = new Writer();
  const strings = new Map<string, number>();
  // Identity is kept for frozen objects only: those are the shared ones in practice (interned
  // policy lists, json-projection.ts), and a map of every object would hold them all (260k in the
  // 1.1 GB log's partial).
  const shared = new Map<object, number>();
  // Key lists seen, by first key. An object is matched against them with a for-in walk (which
  // allocates nothing, where Object.keys copied an array per object), and its values are read by a
  // function generated for its key list, whose property loads then see one hidden class each
  // instead of every class in the partial (measured on the 1.1 GB bench log's partial: pack 260-360 -> 140-200 ms).
  interface KeyList { keys: string[]; index: number; putValues: (o: object, put: (v: unknown) => void) => void }
  const shapesByFirstKey = new Map<string, KeyList[]>();
  let shapeCount = 0;
  const hasKeys = (o: object, keys: string[]): boolean => {
    let i = 0;
    for (const k in o) {
      if (k !== keys[i]) return false;
      i++;
    }
    return i === keys.length;
  };
  /** The key list of `o`: one seen before, or a new one (`isNew`), which the caller writes out. */
  let isNew = false;
  const keyListOf = (o: object): KeyList => {
    let first = '';
    for (const k in o) {
      first = k;
      break;
    }
    let list = shapesByFirstKey.get(first);
    if (list !== undefined) {
      for (const s of list) {
        if (hasKeys(o, s.keys)) {
          isNew = false;
          return s;
        }
      }
    }
    // Not seen (or for-in saw inherited keys): the own keys decide.
    const keys = Object.keys(o);
    const own = keys.length === 0 ? '' : keys[0]!;
    list = shapesByFirstKey.get(own);
    if (list === undefined) shapesByFirstKey.set(own, (list = []));
    for (const s of list) {
      if (s.keys.length === keys.length && s.keys.every((k, i) => k === keys[i])) {
        isNew = false;
        return s;
      }
    }
    const body = keys.map((k) => `put(o[${JSON.stringify(k)}]);`).join('');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON.stringify'd
    const putValues = new Function('o', 'put', body) as KeyList['putValues'];
    const s: KeyList = { keys, index: shapeCount++, putValues };
    list.push(s);
    isNew = true;
    return s;
  };

  const str = (s: string): void => {
    const ref = strings.get(s);
    if (ref !== undefined) return w.tagged(Tag.StringRef, ref);
    strings.set(s, strings.size);
    w.reserve(HEAD_BYTES + 2 * s.length); // room for either form, so the item stays in one chunk
    const start = w.at;
    w.tagged(Tag.Ascii, s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        // Not ASCII after all: rewritten as UTF-16 code units.
        w.at = start;
        w.tagged(Tag.Utf16, s.length);
        for (let j = 0; j < s.length; j++) {
          const u = s.charCodeAt(j);
          w.bytes[w.at++] = u & 0xff;
          w.bytes[w.at++] = u >>> 8;
        }
        return;
      }
      w.bytes[w.at++] = c;
    }
  };

  const num = (n: number): void => {
    if (Number.isInteger(n) && !Object.is(n, -0) && n >= -MAX_SAFE && n <= MAX_SAFE) w.tagged(n >= 0 ? Tag.UInt : Tag.NegInt, Math.abs(n));
    else w.float(n);
  };

  const put = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        return str(v);
      case 'number':
        return num(v);
      case 'boolean':
        return w.tag(v ? Tag.True : Tag.False);
      case 'undefined':
        return w.tag(Tag.Undefined);
      case 'object': {
        if (v === null) return w.tag(Tag.Null);
        if (Object.isFrozen(v)) {
          const ref = shared.get(v);
          if (ref !== undefined) return w.tagged(Tag.ObjectRef, ref);
          shared.set(v, shared.size);
          w.tag(Tag.Shared);
        }
        if (Array.isArray(v)) {
          w.tagged(Tag.Array, v.length);
          for (let i = 0; i < v.length; i++) put(v[i]);
          return;
        }
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new TypeError(`pack: not plain data (${v.constructor?.name ?? 'object'})`);
        const shape = keyListOf(v);
        if (isNew) {
          w.tagged(Tag.ObjectNewShape, shape.keys.length);
          for (const k of shape.keys) str(k);
        } else {
          w.tagged(Tag.Object, shape.index);
        }
        shape.putValues(v, put);
        return;
      }
      default:
        throw new TypeError(`pack: not plain data (${typeof v})`);
    }
  };

  put(value);
  return w.finish();
}

const EMPTY = {};

/** Builds an object of one key list, its values read in key order. */
type ObjectBuilder = (get: () => unknown) => Record<string, unknown>;

/**
 * A function that builds objects of `keys` as one object literal: every object of a key list then
 * gets one hidden class at once, where assigning keys one by one from a list went through V8's
 * generic keyed stores (measured: unpacking the 1.1 GB bench log's two partials in a fresh process,
 * 6 runs each, median 210 -> 166 ms). Values
 * are read left to right, as the literal evaluates them. `__proto__` is a computed key, which makes an
 * own property (as structured clone does) instead of setting the prototype.
 */
function objectBuilder(keys: readonly string[]): ObjectBuilder {
  const props = keys.map((k) => (k === '__proto__' ? `[${JSON.stringify(k)}]: get()` : `${JSON.stringify(k)}: get()`));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON.stringify'd
  return new Function('get', `return {${props.join(', ')}};`) as ObjectBuilder;
}

/** The value `pack` was given, rebuilt from its chunks. */
export function unpack(chunks: readonly Uint8Array[]): unknown {
  const strings: string[] = [];
  const objects: object[] = [];
  const shapes: ObjectBuilder[] = [];
  let chunk = -1;
  let bytes: Uint8Array = new Uint8Array(0);
  let buf: Buffer = Buffer.alloc(0);
  let view: DataView = new DataView(bytes.buffer);
  let at = 0;
  /** Items never span chunks (Writer), so a chunk can only end where an item starts. */
  const nextChunk = (): void => {
    const c = chunks[++chunk];
    if (c === undefined) throw new Error('unpack: packed data ends early');
    bytes = c;
    buf = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    at = 0;
  };

  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  };

  const codeUnits = (len: number, width: 1 | 2): string => {
    const end = at + width * len;
    // Native decoders: latin1 of ASCII bytes, and utf16le, which copies code units as they are.
    const s = buf.toString(width === 1 ? 'latin1' : 'utf16le', at, end);
    at = end;
    return s;
  };

  const get = (): unknown => {
    while (at >= bytes.length) nextChunk();
    const tag = bytes[at++] as Tag;
    switch (tag) {
      case Tag.Null: return null;
      case Tag.Undefined: return undefined;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.UInt: return varint();
      case Tag.NegInt: return -varint();
      case Tag.Float: {
        const n = view.getFloat64(at, true);
        at += 8;
        return n;
      }
      case Tag.Ascii:
      case Tag.Utf16: {
        const s = codeUnits(varint(), tag === Tag.Ascii ? 1 : 2);
        strings.push(s);
        return s;
      }
      case Tag.StringRef: return strings[varint()];
      case Tag.ObjectRef: return objects[varint()];
      case Tag.Shared: {
        const index = objects.length;
        objects.push(EMPTY);
        const v = get() as object;
        objects[index] = v;
        return v;
      }
      case Tag.Array: {
        const len = varint();
        const a: unknown[] = new Array(len);
        for (let i = 0; i < len; i++) a[i] = get();
        return a;
      }
      case Tag.ObjectNewShape: {
        const n = varint();
        const keys: string[] = [];
        for (let i = 0; i < n; i++) keys.push(get() as string);
        const build = objectBuilder(keys);
        shapes.push(build);
        return build(get);
      }
      case Tag.Object:
        return shapes[varint()]!(get);
      default:
        throw new Error(`unpack: corrupt data (tag ${tag as number} at byte ${at - 1} of chunk ${chunk})`);
    }
  };

  return get();
}
