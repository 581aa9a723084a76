// JSON projector (AssemblyScript -> WebAssembly), driven by src/ingest/json-projection.ts.
//
// projectAt(at, len, stack) validates the JSON text at [at, at + len) exactly as V8's JSON.parse accepts it
// (grammar only: invalid UTF-8 is fine, JSON.parse decodes it to U+FFFD) and records, for every path of a
// shape (a tree of object keys written by JS at shapeOffset()), the byte span of the LAST value found at
// that path. After validation, fillTable gathers the kept values for JS (see below), and parseTime
// reads the line's event time when JS named its slot (setTimeSlot).
//
// Why WebAssembly: audit lines are token-dense (a quote every ~12 bytes); a JS byte loop validates at
// ~430 MB/s per core and JSON.parse(toString) at ~200 MB/s, while this loop, 16 bytes per SIMD load
// inside strings, validates at ~1.45 GB/s (bench log, one core).
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
// table holds the value's JSON text rather than a string's content, 16: interned, the last field is
// its intern id), i32 its offset in the table (or its intern id).
// String table (at tableOffset(), length in STATE[2]): every kept ASCII value that is not interned,
// back to back (a string without escapes as its content, anything else as its JSON text), so JS decodes
// them all with one call. Interned values (fillTable) are kept in the intern store across lines. Values
// over MAX_KEPT_LEN bytes are in neither: JS decodes them from its own copy of the line.
//
// Memory layout: shape, results and string table in static data, the intern store, input at
// inputOffset(), a one-bit-per-level container stack at stackOffset(len). The caller grows memory to
// memoryNeeded(len): about the line plus an eighth. projectAt() takes a line elsewhere in memory (JS
// reads file chunks into buffers it lays out after all that) with a stack of the caller's choosing.
// The byte at the end of the input is set to a 0 sentinel, so scanners need no bounds checks: 0 is
// not whitespace, a digit, a hex digit, a letter of a literal, or a legal string byte; 8- and 16-byte
// loads may read into the padding.

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
  indexKeys();
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

// Intern store (see fillTable): an open-addressing table of INTERN_SLOTS entries of 16 bytes (u32 hash,
// i32 id + 1 with 0 for empty, u32 arena offset, u32 length word with bit 31: JSON text, bit 30: not
// ASCII), the same offset and length word per id for JS, and the arena of the values' bytes. It lies
// between the static data and the input, so it never moves.
const INTERN_SLOTS: u32 = 1 << 17;
const MAX_IDS: i32 = 1 << 16;
const ARENA_BYTES: usize = 4 << 20;
/** Longer values are neither interned nor copied to the table (the store is for tokens and ids). */
const MAX_KEPT_LEN: usize = 512;
const TABLE: usize = memory.data(MAX_SLOTS * (<i32>MAX_KEPT_LEN + 8) + 16, 16);
const LEN_JSON_TEXT: u32 = 0x80000000;
const LEN_NOT_ASCII: u32 = 0x40000000;
// Per slot, the entry (same layout) of the value it held on the previous line: request/response pairs
// share most values, and comparing with it stays in cache and needs no hash, where a probe misses.
const LAST_ENTRY: usize = memory.data(MAX_SLOTS * 16, 16);

// State JS reads from memory (no call per line): ids in use, resets so far, string table length,
// and the line's event time (parseTime): its nanoseconds below the millisecond (-1: none) and its
// epoch milliseconds (i64, words 4 and 5).
const STATE: usize = memory.data(32, 16);
let gInternLo: u32 = 0; // slots 0..31 whose values are interned
let gInternHi: u32 = 0; // slots 32..63
let gIds: i32 = 0;
let gArenaUsed: usize = 0;

export function stateOffset(): usize {
  return STATE;
}

export function setInternMask(lo: u32, hi: u32): void {
  gInternLo = lo;
  gInternHi = hi;
}

export function internTableOffset(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

export function internRefsOffset(): usize {
  return internTableOffset() + <usize>INTERN_SLOTS * 16;
}

export function internArenaOffset(): usize {
  return internRefsOffset() + <usize>MAX_IDS * 8;
}

export function inputOffset(): usize {
  return internArenaOffset() + ARENA_BYTES + 64;
}

export function stackOffset(len: i32): usize {
  return (inputOffset() + <usize>len + 16) & ~(<usize>15);
}

/** Bytes of memory a line of `len` bytes needs: the stack holds a bit per level (depth <= len). */
export function memoryNeeded(len: i32): usize {
  return stackOffset(len) + (<usize>len >> 3) + 64;
}

export function tableOffset(): usize {
  return TABLE;
}

@inline function isInterned(slot: i32): bool {
  return ((slot < 32 ? gInternLo >> <u32>slot : gInternHi >> <u32>(slot - 32)) & 1) != 0;
}

/** Empties the intern store; JS sees the reset count change and drops its decoded values. */
function internReset(): void {
  memory.fill(internTableOffset(), 0, <usize>INTERN_SLOTS * 16);
  memory.fill(LAST_ENTRY, 0, <usize>MAX_SLOTS * 16);
  gIds = 0;
  gArenaUsed = 0;
  store<i32>(STATE, load<i32>(STATE, 4) + 1, 4);
}

/** Whether the arena bytes at `at` equal [from, from + n) (word at a time, the last word masked). */
@inline function sameBytes(at: usize, from: usize, n: usize): bool {
  let q: usize = 0;
  while (q + 8 <= n && load<u64>(at + q) == load<u64>(from + q)) q += 8;
  if (q >= n) return true;
  if (q + 8 <= n) return false;
  const mask: u64 = (<u64>1 << (<u64>(n - q) << 3)) - 1;
  return ((load<u64>(at + q) ^ load<u64>(from + q)) & mask) == 0;
}

/** Whether entry `ea` holds bytes [from, from + n) with hash h and length word lw (its ASCII bit aside). */
@inline function entryHolds(ea: usize, from: usize, n: usize, lw: u32, h: u32): bool {
  return load<u32>(ea) == h && (load<u32>(ea, 12) & ~LEN_NOT_ASCII) == lw && load<i32>(ea, 4) != 0 &&
    sameBytes(internArenaOffset() + <usize>load<u32>(ea, 8), from, n);
}

/** The id of bytes [from, from + n) (length word lw without its ASCII bit, hash h) in slot `slot`, added when new. */
function intern(slot: i32, from: usize, n: usize, lw: u32, h: u32): i32 {
  const last = LAST_ENTRY + <usize>slot * 16;
  const table = internTableOffset();
  let i = h & (INTERN_SLOTS - 1);
  let ea = table + <usize>i * 16;
  while (load<i32>(ea, 4) != 0) {
    if (entryHolds(ea, from, n, lw, h)) {
      store<u64>(last, load<u64>(ea));
      store<u64>(last, load<u64>(ea, 8), 8);
      return load<i32>(ea, 4) - 1;
    }
    i = (i + 1) & (INTERN_SLOTS - 1);
    ea = table + <usize>i * 16;
  }
  const id = gIds++;
  // New: whether the bytes are ASCII (JS decodes them as latin1 or UTF-8), checked once per value.
  let hi: u64 = 0;
  for (let q: usize = 0; q < n; q += 8) {
    const w = load<u64>(from + q);
    hi |= q + 8 <= n ? w : w & ((<u64>1 << (<u64>(n - q) << 3)) - 1);
  }
  if ((hi & 0x8080808080808080) != 0) lw |= LEN_NOT_ASCII;
  store<u32>(ea, h);
  store<i32>(ea, id + 1, 4);
  store<u32>(ea, <u32>gArenaUsed, 8);
  store<u32>(ea, lw, 12);
  store<u64>(last, load<u64>(ea));
  store<u64>(last, load<u64>(ea, 8), 8);
  const ra = internRefsOffset() + <usize>id * 8;
  store<u32>(ra, <u32>gArenaUsed);
  store<u32>(ra, lw, 4);
  const to = internArenaOffset() + gArenaUsed;
  for (let q: usize = 0; q < n; q += 8) store<u64>(to + q, load<u64>(from + q)); // slack follows
  gArenaUsed += (n + 7) & ~(<usize>7);
  return id;
}

/**
 * After validation: the value of each interned slot (see setInternMask) becomes an id in the intern
 * store (flag 16, the id in the offset field), so a value repeated across lines (a token, an accessor,
 * a path) is decoded by JS once, and then compares by identity. The other ASCII values are copied to
 * the string table (see the header).
 */
function fillTable(base: usize, len: i32): void {
  // Reset before the line rather than in the middle of it: every id a line reports stays valid.
  if (gIds + gSlotCount > MAX_IDS || gArenaUsed + <usize>gSlotCount * (MAX_KEPT_LEN + 8) > ARENA_BYTES) internReset();
  const table = TABLE;
  let o = table;
  let pending = 0;
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
    if (n > MAX_KEPT_LEN) continue;
    if (isInterned(i)) {
      // The slot's value on the previous line, when the bytes are the same: no hashing, no probe.
      const last = LAST_ENTRY + <usize>i * 16;
      const lastId = load<i32>(last, 4) - 1;
      if (lastId >= 0 && (load<u32>(last, 12) & ~LEN_NOT_ASCII) == (<u32>n | (kind == 4 ? 0 : LEN_JSON_TEXT)) &&
        sameBytes(internArenaOffset() + <usize>load<u32>(last, 8), from, n)) {
        store<i32>(sa, flags | 16, 8);
        store<i32>(sa, lastId, 12);
        continue;
      }
      // Hash a few words: the first 16 and the last 8 bytes (all of a shorter value, the last word
      // masked to it). Collisions only lengthen a probe: the bytes decide (intern).
      let h: u64 = <u64>kind;
      if (n >= 16) {
        h = rotl<u64>(h, 19) ^ load<u64>(from);
        h = rotl<u64>(h, 19) ^ load<u64>(from + 8);
        h = rotl<u64>(h, 19) ^ load<u64>(from + n - 8);
      } else {
        for (let q: usize = 0; q < n; q += 8) {
          let w = load<u64>(from + q);
          if (q + 8 > n) w &= (<u64>1 << (<u64>(n - q) << 3)) - 1;
          h = rotl<u64>(h, 19) ^ w;
        }
      }
      h ^= h >> 33;
      h *= 0xff51afd7ed558ccd;
      h ^= h >> 29;
      h *= 0xc4ceb9fe1a85ec53;
      h ^= h >> 32;
      // Interned after this loop, all of the line's together (see there).
      const pa = PENDING + <usize>pending * 24;
      store<i32>(pa, i);
      store<u32>(pa, <u32>from, 4);
      store<u32>(pa, <u32>n, 8);
      store<u32>(pa, <u32>n | (kind == 4 ? 0 : LEN_JSON_TEXT), 12);
      store<u32>(pa, <u32>(h >> 32) ^ <u32>n, 16);
      pending++;
      continue;
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
  store<i32>(STATE, <i32>(o - table), 8);
  // Values not on their slot's last line are mostly tokens last seen long ago: their store entry,
  // then their bytes in the arena, are cache misses. Touching every such entry first, then the bytes
  // of those whose hash matches, lets the CPU wait for a line's misses together rather than one
  // after the other as intern() meets them (in-process A/B over the 1.1 GB bench log, 8 pairs:
  // ~8 % less time projecting).
  const itab = internTableOffset();
  const arena = internArenaOffset();
  let touched: u64 = 0;
  for (let p = 0; p < pending; p++) {
    const pa = PENDING + <usize>p * 24;
    touched ^= load<u64>(itab + <usize>(load<u32>(pa, 16) & (INTERN_SLOTS - 1)) * 16);
  }
  for (let p = 0; p < pending; p++) {
    const pa = PENDING + <usize>p * 24;
    const ea = itab + <usize>(load<u32>(pa, 16) & (INTERN_SLOTS - 1)) * 16;
    if (load<u32>(ea) == load<u32>(pa, 16) && load<i32>(ea, 4) != 0) touched ^= load<u64>(arena + <usize>load<u32>(ea, 8));
  }
  gTouched ^= touched;
  for (let p = 0; p < pending; p++) {
    const pa = PENDING + <usize>p * 24;
    const i = load<i32>(pa);
    const sa = slotAddr(i);
    const id = intern(i, <usize>load<u32>(pa, 4), <usize>load<u32>(pa, 8), load<u32>(pa, 12), load<u32>(pa, 16));
    store<i32>(sa, load<i32>(sa, 8) | 16, 8);
    store<i32>(sa, id, 12);
  }
  store<i32>(STATE, gIds);
}

/** Interned values of the line being filled (fillTable): slot, start, length, length word, hash. */
const PENDING: usize = memory.data(MAX_SLOTS * 24, 16);
/** What fillTable's touching loads read, kept so that the optimizer cannot drop them. */
let gTouched: u64 = 0;

// Slot words, for a thread that builds the projection elsewhere (src/ingest/projection-stream.ts,
// whose reader decodes them; keep the two in step): -1 absent; an intern id (< 2^16); a table value
// as 1 << 28 | (JSON text: 1 << 27) | length << 16 | table offset; 2 << 28 for an object whose
// members were projected. The string table follows them.
const PACKED: usize = memory.data(MAX_SLOTS * 4 + MAX_SLOTS * (<i32>MAX_KEPT_LEN + 8) + 32, 16);

export function packedOffset(): usize {
  return PACKED;
}

/**
 * After a line projected with status 1: its slot words and string table at packedOffset(). Returns
 * how many 32-bit words they fill, or -1 when a present value is neither interned nor in the table.
 */
export function packSlots(): i32 {
  return packAt(PACKED);
}

/** packSlots() writing at `to` (and up to 7 bytes past the table's end). */
@inline function packAt(to: usize): i32 {
  for (let i = 0; i < gSlotCount; i++) {
    const sa = slotAddr(i);
    const s = load<i32>(sa);
    let word: i32 = -1;
    if (s >= 0) {
      const flags = load<i32>(sa, 8);
      const ref = load<i32>(sa, 12);
      const len = load<i32>(sa, 4) - s;
      if ((flags & 16) != 0) word = ref;
      else if ((flags & 4) != 0 && len <= 0x3ff && ref <= 0xffff) word = (1 << 28) | ((flags & 8) != 0 ? 1 << 27 : 0) | (len << 16) | ref;
      else if (flags == 2) word = 2 << 28;
      else return -1;
    }
    store<i32>(to + <usize>i * 4, word);
  }
  const n = <usize>load<i32>(STATE, 8);
  const t = to + <usize>gSlotCount * 4;
  for (let q: usize = 0; q < n; q += 8) store<u64>(t + q, load<u64>(TABLE + q)); // slack follows both
  return gSlotCount + ((<i32>n + 3) >> 2);
}

// Records of the projection stream (src/ingest/projection-stream.ts, which reads them and writes
// the other kinds; keep the two in step), written by emitLine into RECORDS: a line's records are
// made here in one call, where JavaScript copying the packed words cost ~55 ms of the reading
// thread per GB and its own intern records a call per line.
const REC_RESET: i32 = 2;
const REC_INTERN: i32 = 3;
const REC_LINE: i32 = 4;
const LEN_BYTES: u32 = 0x3fffffff;
/** Words of a LINE record before its slot words (LINE_HEAD_WORDS in src/ingest/json-projection.ts). */
const LINE_HEAD: i32 = 9;
/** A batch of the stream (512 KiB) and one line's records at most (~67 KB) after it, and slack. */
const RECORDS_BYTES: i32 = 640 * 1024;
const RECORDS: usize = memory.data(RECORDS_BYTES + 64, 16);
let gSentIds: i32 = 0; // intern ids written as records (since the last reset written)
let gSentResets: i32 = 0;

export function recordsOffset(): usize {
  return RECORDS;
}

export function recordsWords(): i32 {
  return RECORDS_BYTES >> 2;
}

/**
 * projectAt(at, len, stack), then the line's records from word `dest` of RECORDS:
 * RESET if the intern store was emptied, INTERN for each value it gained, then LINE (head: lineNo,
 * offLo, offHi, unterminated, table length, the event time as STATE words 3-5; the slot words and
 * table as packSlots). Returns the word where the records end; negated minus one when the line needs
 * sending as bytes (not valid JSON, not an object, an escaped key, or a value neither interned nor in
 * the table): no LINE then, but the intern records are written all the same, since later lines
 * refer to their ids.
 */
export function emitLine(at: usize, len: i32, stack: usize, dest: i32, lineNo: i32, offLo: i32, offHi: i32, unterminated: i32): i32 {
  const status = projectAt(at, len, stack);
  let o = RECORDS + (<usize>dest << 2);
  if (status != 1) return -dest - 1; // only a projected line (fillTable) changes the store
  const resets = load<i32>(STATE, 4);
  if (resets != gSentResets) {
    gSentResets = resets;
    gSentIds = 0;
    store<i32>(o, REC_RESET);
    o += 4;
  }
  const arena = internArenaOffset();
  for (; gSentIds < gIds; gSentIds++) {
    const ra = internRefsOffset() + <usize>gSentIds * 8;
    const from = arena + <usize>load<u32>(ra);
    const word = load<u32>(ra, 4);
    const n = <usize>(word & LEN_BYTES);
    store<i32>(o, REC_INTERN);
    store<i32>(o, gSentIds, 4);
    store<u32>(o, word, 8);
    for (let q: usize = 0; q < n; q += 8) store<u64>(o + 12 + q, load<u64>(from + q)); // slack follows
    o += 12 + ((n + 3) & ~(<usize>3));
  }
  const words = packAt(o + LINE_HEAD * 4);
  if (words < 0) return -<i32>((o - RECORDS) >> 2) - 1;
  store<i32>(o, REC_LINE);
  store<i32>(o, lineNo, 4);
  store<i32>(o, offLo, 8);
  store<i32>(o, offHi, 12);
  store<i32>(o, unterminated, 16);
  store<i32>(o, load<i32>(STATE, 8), 20);
  store<i32>(o, load<i32>(STATE, 12), 24);
  store<i64>(o, load<i64>(STATE, 16), 28);
  return <i32>((o - RECORDS) >> 2) + LINE_HEAD + words;
}

// The event time (setTimeSlot): the value at the time slot read as ingest/time.ts parseEventTime
// reads `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (a year from 1000, the date checked, up to 9 fraction
// digits, second 60 allowed), so that a thread folding projections need not parse it: ~200 ns per
// line in JavaScript (the value is a substring of the line's table), a few here. Any other form,
// or an escape in the string, is left to parseEventTime (STATE word 3 is -1), which decides alone.
let gTimeSlot: i32 = -1;

export function setTimeSlot(slot: i32): void {
  gTimeSlot = slot;
}

/** Two ASCII digits at p as a number, or -1. */
@inline function twoDigits(p: usize): i32 {
  const a = <i32>load<u8>(p) - 0x30;
  const b = <i32>load<u8>(p, 1) - 0x30;
  return <u32>a < 10 && <u32>b < 10 ? a * 10 + b : -1;
}

/** Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y: i64 = <i64>(month <= 2 ? year - 1 : year);
  const era: i64 = (y >= 0 ? y : y - 399) / 400;
  const yoe: i64 = y - era * 400;
  const doy: i64 = <i64>((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1);
  const doe: i64 = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

@inline function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** After a line projected with status 1: its event time into STATE (words 3-5), or word 3 = -1. */
function parseTime(base: usize): void {
  store<i32>(STATE, -1, 12);
  if (gTimeSlot < 0) return;
  const sa = slotAddr(gTimeSlot);
  const s = load<i32>(sa);
  if (s < 0 || (load<i32>(sa, 8) & 3) != 0) return; // absent, a string with an escape, or an object
  const p = base + <usize>s;
  const n = load<i32>(sa, 4) - s; // with its quotes
  // "YYYY-MM-DDTHH:MM:SSZ" in quotes is 22 bytes; with a fraction of 1 to 9 digits, 24 to 32.
  if (load<u8>(p) != 0x22 || n < 22 || n > 32 || n == 23) return;
  const q = p + 1;
  const zone = q + <usize>n - 3;
  if (load<u8>(q, 4) != 0x2d || load<u8>(q, 7) != 0x2d || load<u8>(q, 10) != 0x54 || load<u8>(q, 13) != 0x3a ||
    load<u8>(q, 16) != 0x3a || load<u8>(zone) != 0x5a) return;
  const century = twoDigits(q);
  const yy = twoDigits(q + 2);
  const month = twoDigits(q + 5);
  const day = twoDigits(q + 8);
  const hour = twoDigits(q + 11);
  const minute = twoDigits(q + 14);
  const second = twoDigits(q + 17);
  // Date.UTC reads years 0-99 as 1900-1999: those (and anything odd) go to parseEventTime.
  if (century < 10 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 60) return;
  const year = century * 100 + yy;
  if (day > daysInMonth(year, month)) return;
  let nanos: i32 = 0;
  if (n > 22) {
    if (load<u8>(q, 19) != 0x2e) return;
    let digits = 0;
    for (let f = q + 20; f < zone; f++) {
      const d = <i32>load<u8>(f) - 0x30;
      if (<u32>d >= 10) return;
      nanos = nanos * 10 + d;
      digits++;
    }
    for (; digits < 9; digits++) nanos *= 10;
  }
  const ms: i64 = daysFromCivil(year, month, day) * 86400000 + <i64>(hour * 3600000 + minute * 60000 + second * 1000) +
    <i64>(nanos / 1000000);
  store<i64>(STATE, ms, 16);
  store<i32>(STATE, nanos % 1000000, 12);
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

/** A bit per byte of the 16 at p that is '"', '\\' or < 0x20 (a string's end, an escape, or invalid). */
@inline function specials16(p: usize): i32 {
  const v = v128.load(p);
  return i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))),
    i8x16.lt_u(v, i8x16.splat(0x20))));
}

/** p points just after the opening quote. Returns the position after the closing quote, or 0 on error. */
@inline function scanString(p: usize): usize {
  while (true) {
    let m = specials16(p);
    while (m == 0) {
      p += 16;
      m = specials16(p);
    }
    p += <usize>ctz(m);
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

// Per shape node, KEY_BUCKETS buckets of its keys by keyBucket: the entry's index + 1, 0 for none,
// KEY_COLLISION when two of its keys share the bucket (matchKey then scans the node). A line's keys
// at shape levels are mostly not in the shape (request: id, operation, data, remote_address ...), and
// the scan compared each with every key of the node.
const KEY_BUCKETS: usize = 64;
const KEY_COLLISION: u8 = 255;
const KEY_INDEX: usize = memory.data(128 * <i32>KEY_BUCKETS, 16);

/** A key's bucket: its length and first and last bytes. */
@inline function keyBucket(k: usize, n: usize): usize {
  return n == 0 ? 0 : (n + <usize>load<u8>(k) * 7 + <usize>load<u8>(k + n - 1) * 13) & (KEY_BUCKETS - 1);
}

/** Builds KEY_INDEX from the shape table (after JS wrote it, see setSlotCount). */
function indexKeys(): void {
  memory.fill(KEY_INDEX, 0, 128 * KEY_BUCKETS);
  const nodes = <i32>load<u16>(SHAPE);
  for (let node = 0; node < nodes; node++) {
    const nd = NODES + <usize>node * 4;
    const first = <i32>load<u16>(nd);
    const count = <i32>load<u16>(nd, 2);
    for (let e = first; e < first + count; e++) {
      const ent = ENTRIES + <usize>e * 8;
      const at = KEY_INDEX + <usize>node * KEY_BUCKETS + keyBucket(KEYS + <usize>load<u16>(ent), <usize>load<u8>(ent, 2));
      store<u8>(at, load<u8>(at) == 0 ? <u8>(e + 1) : KEY_COLLISION);
    }
  }
}

/** Entry address of key bytes [k, k+n) in shape node `node`, or 0 (see KEY_INDEX). */
@inline function matchKey(node: i32, k: usize, n: usize): usize {
  const b = load<u8>(KEY_INDEX + <usize>node * KEY_BUCKETS + keyBucket(k, n));
  if (b == 0) return 0;
  if (b == KEY_COLLISION) return scanKeys(node, k, n);
  const ent = ENTRIES + (<usize>b - 1) * 8;
  return <usize>load<u8>(ent, 2) == n && sameKey(KEYS + <usize>load<u16>(ent), k, n) ? ent : 0;
}

/** Whether shape key bytes at kp (zero-padded to 8 bytes) equal [k, k+n) (the input may be over-read). */
@inline function sameKey(kp: usize, k: usize, n: usize): bool {
  let q: usize = 0;
  while (q + 8 <= n && load<u64>(kp + q) == load<u64>(k + q)) q += 8;
  if (q + 8 <= n) return false;
  if (q == n) return true;
  const mask: u64 = (<u64>1 << (<u64>(n - q) << 3)) - 1;
  return (load<u64>(k + q) & mask) == load<u64>(kp + q);
}

/** Entry address of key bytes [k, k+n) in shape node `node`, or 0. Shape keys are stored zero-padded
 *  to 8 bytes, so keys compare a word at a time (the input may be over-read into its padding). */
function scanKeys(node: i32, k: usize, n: usize): usize {
  const nd = NODES + <usize>node * 4;
  let ent = ENTRIES + <usize>load<u16>(nd) * 8;
  const last = ent + <usize>load<u16>(nd, 2) * 8;
  for (; ent < last; ent += 8) {
    if (<usize>load<u8>(ent, 2) == n && sameKey(KEYS + <usize>load<u16>(ent), k, n)) return ent;
  }
  return 0;
}

/** The container stack: one bit per open level, set for an object, clear for an array. */
@inline function pushLevel(stack: usize, depth: usize, isObject: bool): void {
  const at = stack + (depth >> 3);
  const bit = <u8>(<u32>1 << <u32>(depth & 7));
  store<u8>(at, isObject ? load<u8>(at) | bit : load<u8>(at) & ~bit);
}

@inline function levelIsObject(stack: usize, depth: usize): bool {
  return ((<u32>load<u8>(stack + (depth >> 3)) >> <u32>(depth & 7)) & 1) != 0;
}

/** A container opens at `depth`: its kind on the stack, and (within MAX_DEPTH) its shape node. */
@inline function enterLevel(stack: usize, depth: usize, isObject: bool, node: i32): void {
  pushLevel(stack, depth, isObject);
  if (depth <= MAX_DEPTH) {
    store<i32>(NODE_AT + depth * 4, node);
    store<i32>(PEND_AT + depth * 4, -1);
  }
}

@inline function slotAddr(slot: i32): usize {
  return RESULTS + <usize>slot * 16;
}

/**
 * A line anywhere in memory: at inputOffset() (copied there by JS), its stack at stackOffset(len), or
 * where JS read it (file chunks go to memory it owns here, so lines need no copy), with its container
 * stack at `stack` (at least len / 8 + 1 bytes that do not overlap it). The 16
 * bytes after the line become the sentinel while it is parsed and are restored afterwards: they are
 * the next line's. The 16 bytes after those may be read (not written), so they must be memory too.
 */
export function projectAt(at: usize, len: i32, stack: usize): i32 {
  const e = at + <usize>len;
  const after0 = load<u64>(e);
  const after1 = load<u64>(e, 8);
  const status = projectLine(at, len, stack);
  store<u64>(e, after0);
  store<u64>(e, after1, 8);
  return status;
}

function projectLine(base: usize, len: i32, stack: usize): i32 {
  const e = base + <usize>len;
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
        // The top-level object is projected through node 0.
        enterLevel(stack, depth, true, depth == 1 ? 0 : node);
        cur = 1;
        inKey = true;
        continue;
      }
      p++;
    } else if (c == 0x5b) {
      p = skipWs(p + 1);
      if (load<u8>(p) != 0x5d) {
        depth++;
        enterLevel(stack, depth, false, -1);
        cur = 2;
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
        if (status == 1) {
          fillTable(base, len);
          parseTime(base);
        }
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
      cur = levelIsObject(stack, depth) ? 1 : 2;
    }
  }
  return 0;
}
