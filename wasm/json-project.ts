// JSON projector (AssemblyScript -> WebAssembly), driven by src/ingest/json-projection.ts.
//
// project(len) validates the JSON text at inputOffset()[0, len) exactly as V8's JSON.parse accepts it
// (grammar only: invalid UTF-8 is fine, JSON.parse decodes it to U+FFFD) and records, for every path of a
// shape (a tree of object keys written by JS at shapeOffset()), the byte span of the LAST value found at
// that path. Nothing is decoded or copied: JS decodes the few spans it needs from its own buffer.
//
// Why WebAssembly: audit lines are token-dense (a quote every ~12 bytes); a JS byte loop validates at
// ~430 MB/s per core and JSON.parse(toString) at ~200 MB/s, while this loop, 8 bytes per load inside
// strings, runs at ~1.2 GB/s.
//
// Return: 0 invalid JSON; 1 valid, top-level object; 2 valid, top-level value is not an object;
// 3 a key at a shape level contains an escape (validity NOT decided: the caller falls back to JSON.parse).
//
// Shape table (little-endian, written by JS): u16 node count, then per node u16 first entry, u16 entry
// count; at ENTRIES, 8 bytes per entry: u16 key offset (into KEYS), u8 key length, u8 slot, i8 child
// node (-1: keep the value whole), u8 last descendant slot, 2 bytes padding. Slots of a node's
// descendants follow its own slot, so a repeated key clears them as one range (JSON.parse: last wins).
// Slot record (RESULTS, 16 bytes): i32 start (-1: absent), i32 end, i32 flags (1: string with an escape,
// 2: an object whose members were projected through the child node, 4: in the string table, 8: the
// table holds the value's JSON text rather than a string's content), i32 its offset in the table.
// String table (at tableOffset(len), length returned by tableLength()): every kept ASCII value back to
// back (a string without escapes as its content, anything else as its JSON text), so JS decodes them
// all with one call.
//
// Memory layout: shape + results in static data, input at inputOffset(), a one-byte-per-level container
// stack at stackOffset(len), then the string table in the same place. The caller grows memory to
// tableOffset(len) + len + 64. The byte at the end
// of the input is set to a 0 sentinel, so scanners need no bounds checks: 0 is not whitespace, a digit,
// a hex digit, a letter of a literal, or a legal string byte; 8-byte loads may read into the padding.

const MAX_SLOTS: i32 = 64;
const MAX_DEPTH: usize = 8; // deepest object level a shape may describe
const SHAPE_BYTES: i32 = 4096;

const SHAPE: usize = memory.data(SHAPE_BYTES, 16);
const NODES: usize = SHAPE + 2;
const ENTRIES: usize = SHAPE + 512;
const KEYS: usize = SHAPE + 2048;
const RESULTS: usize = memory.data(MAX_SLOTS * 16, 16);
// Per open container level 1..MAX_DEPTH: the shape node of that object (-1: none), and the slot of the
// member value currently being parsed in it (-1: none).
const NODE_AT: usize = memory.data((<i32>MAX_DEPTH + 2) * 4, 16);
const PEND_AT: usize = memory.data((<i32>MAX_DEPTH + 2) * 4, 16);

let gEsc: bool = false; // set by scanString when the string holds an escape
let gSlotCount: i32 = MAX_SLOTS; // slots the shape uses (set by JS)

export function setSlotCount(n: i32): void {
  gSlotCount = n;
}

export function shapeOffset(): usize {
  return SHAPE;
}

export function shapeBytes(): i32 {
  return SHAPE_BYTES;
}

export function resultsOffset(): usize {
  return RESULTS;
}

export function maxSlots(): i32 {
  return MAX_SLOTS;
}

export function maxDepth(): i32 {
  return <i32>MAX_DEPTH;
}

export function inputOffset(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

export function stackOffset(len: i32): usize {
  return (inputOffset() + <usize>len + 16) & ~(<usize>15);
}

/** The table is written once validation is over, so it reuses the stack's space (one line less of memory). */
export function tableOffset(len: i32): usize {
  return stackOffset(len);
}

let gTableLength: i32 = 0;

export function tableLength(): i32 {
  return gTableLength;
}

/** Copies the ASCII values of the slots to the string table (see the header). */
function fillTable(base: usize, len: i32): void {
  const table = tableOffset(len);
  let o = table;
  for (let i = 0; i < gSlotCount; i++) {
    const sa = slotAddr(i);
    const s = load<i32>(sa);
    const flags = load<i32>(sa, 8);
    if (s < 0 || flags == 2) continue;
    let from = base + <usize>s;
    let n = <usize>load<i32>(sa, 4) - <usize>s;
    let kind: i32 = 4 | 8;
    if (flags == 0 && load<u8>(from) == 0x22) {
      from++;
      n -= 2;
      kind = 4;
    }
    // Copy and ASCII check a word at a time (a memory.copy per value costs a call into the engine);
    // the last word may over-read the input's padding and over-write the table's slack.
    let hi: u64 = 0;
    for (let q: usize = 0; q < n; q += 8) {
      const w = load<u64>(from + q);
      hi |= q + 8 <= n ? w : w & ((<u64>1 << (<u64>(n - q) << 3)) - 1);
      store<u64>(o + q, w);
    }
    if ((hi & 0x8080808080808080) != 0) continue;
    store<i32>(sa, flags | kind, 8);
    store<i32>(sa, <i32>(o - table), 12);
    o += n;
  }
  gTableLength = <i32>(o - table);
}

@inline function isWs(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

@inline function skipWs(p: usize): usize {
  while (true) {
    const c = <u32>load<u8>(p);
    if (c > 0x20 || !isWs(c)) break;
    p++;
  }
  return p;
}

@inline function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** Bytes of v that are '"', '\\' or < 0x20 have their high bit set; the lowest one is exact. */
@inline function specials(v: u64): u64 {
  return (((v ^ 0x2222222222222222) - 0x0101010101010101) |
    ((v ^ 0x5c5c5c5c5c5c5c5c) - 0x0101010101010101) |
    (v - 0x2020202020202020)) & ~v & 0x8080808080808080;
}

/** p points just after the opening quote. Returns the position after the closing quote, or 0 on error. */
@inline function scanString(p: usize): usize {
  while (true) {
    let m = specials(load<u64>(p));
    while (m == 0) {
      p += 8;
      m = specials(load<u64>(p));
    }
    p += <usize>(ctz(m) >> 3);
    const c = <u32>load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c != 0x5c) return 0; // a control character or the sentinel
    gEsc = true;
    const d = <u32>load<u8>(p + 1);
    if (d == 0x75) {
      if (!isHex(<u32>load<u8>(p + 2)) || !isHex(<u32>load<u8>(p + 3)) ||
        !isHex(<u32>load<u8>(p + 4)) || !isHex(<u32>load<u8>(p + 5))) return 0;
      p += 6;
    } else if (d == 0x22 || d == 0x5c || d == 0x2f || d == 0x62 || d == 0x66 || d == 0x6e || d == 0x72 || d == 0x74) {
      p += 2;
    } else {
      return 0;
    }
  }
  return 0;
}

/** Returns the position after the number starting at p, or 0 on error. */
function scanNumber(p: usize): usize {
  if (load<u8>(p) == 0x2d) p++;
  let c = <u32>load<u8>(p);
  if (c == 0x30) {
    p++;
  } else if (c - 0x31 < 9) {
    p++;
    while (isDigit(<u32>load<u8>(p))) p++;
  } else {
    return 0;
  }
  if (load<u8>(p) == 0x2e) {
    p++;
    if (!isDigit(<u32>load<u8>(p))) return 0;
    p++;
    while (isDigit(<u32>load<u8>(p))) p++;
  }
  if ((<u32>load<u8>(p) | 0x20) == 0x65) {
    p++;
    c = <u32>load<u8>(p);
    if (c == 0x2b || c == 0x2d) p++;
    if (!isDigit(<u32>load<u8>(p))) return 0;
    p++;
    while (isDigit(<u32>load<u8>(p))) p++;
  }
  return p;
}

/** Entry address of key bytes [k, k+n) in shape node `node`, or 0. Shape keys are stored zero-padded
 *  to 8 bytes, so keys compare a word at a time (the input may be over-read into its padding). */
function matchKey(node: i32, k: usize, n: usize): usize {
  const nd = NODES + <usize>node * 4;
  let ent = ENTRIES + <usize>load<u16>(nd) * 8;
  const last = ent + <usize>load<u16>(nd, 2) * 8;
  for (; ent < last; ent += 8) {
    if (<usize>load<u8>(ent, 2) != n) continue;
    const kp = KEYS + <usize>load<u16>(ent);
    let q: usize = 0;
    while (q + 8 <= n && load<u64>(kp + q) == load<u64>(k + q)) q += 8;
    if (q + 8 <= n) continue;
    if (q == n) return ent;
    const mask: u64 = (<u64>1 << (<u64>(n - q) << 3)) - 1;
    if ((load<u64>(k + q) & mask) == load<u64>(kp + q)) return ent;
  }
  return 0;
}

@inline function slotAddr(slot: i32): usize {
  return RESULTS + <usize>slot * 16;
}

export function project(len: i32): i32 {
  const base = inputOffset();
  const e = base + <usize>len;
  const stack = stackOffset(len);
  for (let i = 0; i < gSlotCount; i++) store<i32>(slotAddr(i), -1);
  store<u64>(e, 0); // sentinel (+7 zero bytes)
  store<u64>(e + 8, 0);
  store<i32>(PEND_AT, -1); // the top-level value belongs to no member

  let p = skipWs(base);
  if (p >= e) return 0;
  const status: i32 = load<u8>(p) == 0x7b ? 1 : 2;

  let depth: usize = 0;
  let cur: u32 = 0; // container at `depth`: 1 object, 2 array
  let nextNode: i32 = -1; // shape node for the value about to start (an object member matched with a child)
  let nextSlot: i32 = -1; // slot of the value about to start
  let inKey = false;

  while (true) {
    if (inKey) {
      // p at the opening quote of a member name (or garbage)
      if (load<u8>(p) != 0x22) return 0;
      const ks = p + 1;
      gEsc = false;
      p = scanString(ks);
      if (p == 0) return 0;
      if (depth <= MAX_DEPTH) {
        const node = load<i32>(NODE_AT + depth * 4);
        if (node >= 0) {
          if (gEsc) return 3;
          const ent = matchKey(node, ks, p - 1 - ks);
          if (ent != 0) {
            nextSlot = <i32>load<u8>(ent, 3);
            nextNode = <i32>load<i8>(ent, 4);
            const lastDesc = <i32>load<u8>(ent, 5);
            for (let s = nextSlot + 1; s <= lastDesc; s++) store<i32>(slotAddr(s), -1);
          }
        }
      }
      if (load<u8>(p) != 0x3a) {
        p = skipWs(p);
        if (load<u8>(p) != 0x3a) return 0;
      }
      p = skipWs(p + 1);
    }

    // a value starts at p (p is not at whitespace)
    if (nextSlot >= 0) {
      const sa = slotAddr(nextSlot);
      store<i32>(sa, <i32>(p - base));
      store<i32>(sa, 0, 8);
      store<i32>(PEND_AT + depth * 4, nextSlot);
    }
    const slot = nextSlot;
    const node = nextNode;
    nextSlot = -1;
    nextNode = -1;
    const c = <u32>load<u8>(p);
    if (c == 0x22) {
      gEsc = false;
      p = scanString(p + 1);
      if (p == 0) return 0;
      if (gEsc && slot >= 0) store<i32>(slotAddr(slot), 1, 8);
    } else if (c == 0x7b) {
      if (node >= 0) store<i32>(slotAddr(slot), 2, 8);
      p = skipWs(p + 1);
      if (load<u8>(p) != 0x7d) {
        depth++;
        store<u8>(stack + depth, 1);
        cur = 1;
        if (depth <= MAX_DEPTH) {
          // The top-level object is projected through node 0.
          store<i32>(NODE_AT + depth * 4, depth == 1 ? 0 : node);
          store<i32>(PEND_AT + depth * 4, -1);
        }
        inKey = true;
        continue;
      }
      p++;
    } else if (c == 0x5b) {
      p = skipWs(p + 1);
      if (load<u8>(p) != 0x5d) {
        depth++;
        store<u8>(stack + depth, 2);
        cur = 2;
        if (depth <= MAX_DEPTH) {
          store<i32>(NODE_AT + depth * 4, -1);
          store<i32>(PEND_AT + depth * 4, -1);
        }
        inKey = false;
        continue;
      }
      p++;
    } else if (c == 0x2d || isDigit(c)) {
      p = scanNumber(p);
      if (p == 0) return 0;
    } else if (c == 0x74) {
      if (load<u32>(p) != 0x65757274) return 0; // true
      p += 4;
    } else if (c == 0x66) {
      if (load<u32>(p + 1) != 0x65736c61) return 0; // false
      p += 5;
    } else if (c == 0x6e) {
      if (load<u32>(p) != 0x6c6c756e) return 0; // null
      p += 4;
    } else {
      return 0;
    }

    // a value ended at p; it is a member/element of the container at `depth`
    while (true) {
      if (depth <= MAX_DEPTH) {
        const pend = load<i32>(PEND_AT + depth * 4);
        if (pend >= 0) {
          store<i32>(slotAddr(pend), <i32>(p - base), 4);
          store<i32>(PEND_AT + depth * 4, -1);
        }
      }
      p = skipWs(p);
      if (depth == 0) {
        if (p != e) return 0;
        if (status == 1) fillTable(base, len);
        return status;
      }
      const d = <u32>load<u8>(p);
      if (d == 0x2c) {
        p = skipWs(p + 1);
        inKey = cur == 1;
        break;
      }
      if (d != (cur == 1 ? <u32>0x7d : <u32>0x5d)) return 0;
      p++;
      depth--;
      cur = <u32>load<u8>(stack + depth);
    }
  }
  return 0;
}
