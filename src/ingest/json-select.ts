/**
 * Selective JSON parser: validates one JSON value exactly as `JSON.parse` would (RFC 8259 as
 * implemented by V8) but materialises only the object paths named by a {@link Selection}.
 *
 * Skipped subtrees are validated byte-by-byte without allocating anything. Kept values are
 * materialised by calling `JSON.parse` on their byte slice, which is exact by construction.
 *
 * Notes on exactness:
 * - Invalid UTF-8 is not an error for `JSON.parse(buf.toString('utf8'))` (it decodes to U+FFFD),
 *   so bytes >= 0x80 are accepted anywhere inside strings. Slices handed to `JSON.parse` always
 *   start and end on ASCII bytes, so decoding a slice yields the same code units as decoding the
 *   whole line.
 * - Keys are matched on their decoded value: raw bytes are compared when the key has no escape;
 *   keys with escapes are decoded with `JSON.parse`.
 * - Duplicate keys: the last occurrence wins and the property keeps the position of the first,
 *   exactly like `JSON.parse` (we assign into an ordinary object in document order).
 * - Nesting depth is unbounded: skipping uses an explicit stack; recursion only follows the
 *   (small, fixed) depth of the selection itself.
 */

/** Which keys to keep: `true` keeps the whole value at that key (materialised exactly as JSON.parse would), a nested Selection keeps only those keys of an object value (if the value is not an object, keep it whole). */
export type Selection = { readonly [key: string]: true | Selection };

interface Entry {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly sub: Node | null;
}

interface Node {
  /** Entries bucketed by UTF-8 byte length of the key. */
  readonly byLen: (Entry[] | undefined)[];
  /** Entries by decoded key. */
  readonly map: Map<string, Entry>;
  /**
   * True when some key contains U+FFFD or a lone surrogate; raw-byte comparison is then not
   * equivalent to comparing decoded strings, so every key is decoded.
   */
  readonly decodeAll: boolean;
}

declare const compiledBrand: unique symbol;
/** Opaque compiled form of a {@link Selection}; build with {@link compileSelection}. */
export interface CompiledSelection {
  readonly [compiledBrand]: true;
}

const utf8 = new TextEncoder();

function compileNode(sel: Selection): Node {
  const byLen: (Entry[] | undefined)[] = [];
  const map = new Map<string, Entry>();
  let decodeAll = false;
  for (const key of Object.keys(sel)) {
    const v = sel[key];
    let sub: Node | null = null;
    if (v !== true) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        throw new TypeError(`compileSelection: value at key ${JSON.stringify(key)} must be true or a Selection`);
      }
      sub = compileNode(v);
    }
    // toWellFormed-like check: lone surrogates would encode to EF BF BD.
    if (/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(key)) decodeAll = true;
    const bytes = utf8.encode(key);
    const e: Entry = { key, bytes, sub };
    map.set(key, e);
    (byLen[bytes.length] ??= []).push(e);
  }
  return { byLen, map, decodeAll };
}

/** Compile once at setup (precompute key bytes / lookup structures). */
export function compileSelection(sel: Selection): CompiledSelection {
  return compileNode(sel) as unknown as CompiledSelection;
}

// ---------------------------------------------------------------------------------------------
// Low-level scanning.
//
// The line is first copied into a one-byte ("latin1") JS string `s`, one char per byte, so that
// V8's native String.prototype.indexOf and RegExp can be used to skip string contents (the bulk
// of the bytes) without a per-byte JS loop. All scanners take (s, p, end) with end === s.length
// and return the new position or -1.
//
// Fast path: when the line contains no byte < 0x20 at all (checked once with a native regex),
// no string can contain a raw control character, so a string's end is simply the next '"',
// unless a backslash occurs before it (tracked with a cached "next backslash" index), in which
// case the exact per-char scanner takes over for that string.

/** 1 for hex digits. */
const HEX = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) HEX[c] = 1;
for (let c = 0x41; c <= 0x46; c++) HEX[c] = 1;
for (let c = 0x61; c <= 0x66; c++) HEX[c] = 1;
/** 1 for the single-character escapes allowed after a backslash: " \ / b f n r t. */
const ESC = new Uint8Array(256);
for (const ch of '"\\/bfnrt') ESC[ch.charCodeAt(0)] = 1;

/** Set by the string scanners when the string contained a backslash escape. */
let sawEscape = false;
/** True when the current line has no char < 0x20 (enables the indexOf fast path). */
let noCtl = false;
/** Index of the next backslash at or after the last recompute position (or MAX when none). */
let bsNext = 0;
const NO_BS = 0x7fffffff;
const CTL_RE = /[\x00-\x1f]/;
/** Benchmark switch: use the regex + indexOf fast path (true) or the per-char scanner only. */
let useIndexOf = true;
/** @internal for benchmarks only. */
export function _setStringScanMode(indexOf: boolean): void {
  useIndexOf = indexOf;
}

function skipWs(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
    else break;
  }
  return p;
}

/** Exact per-char string scanner. p is just after the opening quote; returns the index after the closing quote, or -1. */
function scanStringSlow(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p++);
    if (c <= 0x22) {
      if (c === 0x22) return p;
      if (c < 0x20) return -1;
    } else if (c === 0x5c) {
      if (p >= end) return -1;
      const e = s.charCodeAt(p++);
      sawEscape = true;
      if (e === 0x75) {
        if (p + 4 > end) return -1;
        if ((HEX[s.charCodeAt(p)]! & HEX[s.charCodeAt(p + 1)]! & HEX[s.charCodeAt(p + 2)]! & HEX[s.charCodeAt(p + 3)]!) === 0) {
          return -1;
        }
        p += 4;
      } else if (ESC[e] === 0) {
        return -1;
      }
    }
  }
  return -1;
}

/** p is just after the opening quote; returns the index just after the closing quote, or -1. */
function scanString(s: string, p: number, end: number): number {
  if (!noCtl) return scanStringSlow(s, p, end);
  const q = s.indexOf('"', p);
  if (q < 0) return -1;
  if (bsNext < p) {
    const i = s.indexOf('\\', p);
    bsNext = i < 0 ? NO_BS : i;
  }
  if (bsNext < q) return scanStringSlow(s, p, end);
  return q + 1;
}

/** p at the first char of a number ('-' or digit); returns the index after it, or -1. */
function scanNumber(s: string, p: number, end: number): number {
  let c = p < end ? s.charCodeAt(p) : 0;
  if (c === 0x2d) {
    p++;
    c = p < end ? s.charCodeAt(p) : 0;
  }
  if (c === 0x30) {
    p++;
  } else if (c >= 0x31 && c <= 0x39) {
    p++;
    while (p < end && (c = s.charCodeAt(p)) >= 0x30 && c <= 0x39) p++;
  } else {
    return -1;
  }
  c = p < end ? s.charCodeAt(p) : 0;
  if (c === 0x2e) {
    p++;
    c = p < end ? s.charCodeAt(p) : 0;
    if (c < 0x30 || c > 0x39) return -1;
    p++;
    while (p < end && (c = s.charCodeAt(p)) >= 0x30 && c <= 0x39) p++;
    c = p < end ? s.charCodeAt(p) : 0;
  }
  if (c === 0x65 || c === 0x45) {
    p++;
    c = p < end ? s.charCodeAt(p) : 0;
    if (c === 0x2b || c === 0x2d) {
      p++;
      c = p < end ? s.charCodeAt(p) : 0;
    }
    if (c < 0x30 || c > 0x39) return -1;
    p++;
    while (p < end && (c = s.charCodeAt(p)) >= 0x30 && c <= 0x39) p++;
  }
  return p;
}

/** p at 't', 'f' or 'n'; returns the index after the literal, or -1. */
function scanLiteral(s: string, p: number, end: number): number {
  const c = s.charCodeAt(p);
  if (c === 0x74) return p + 4 <= end && s.startsWith('true', p) ? p + 4 : -1;
  if (c === 0x66) return p + 5 <= end && s.startsWith('false', p) ? p + 5 : -1;
  return p + 4 <= end && s.startsWith('null', p) ? p + 4 : -1;
}

/** p at a '"' expected to start a key: scans key, whitespace, ':' and whitespace. Returns value start or -1. */
function scanKeyColon(s: string, p: number, end: number): number {
  if (p >= end || s.charCodeAt(p) !== 0x22) return -1;
  p = scanString(s, p + 1, end);
  if (p < 0) return -1;
  if (p < end && s.charCodeAt(p) === 0x3a) return skipWs(s, p + 1, end);
  p = skipWs(s, p, end);
  if (p >= end || s.charCodeAt(p) !== 0x3a) return -1;
  return skipWs(s, p + 1, end);
}

const OBJ = 1;
const ARR = 2;
let stack = new Uint8Array(256);

/**
 * Validates one JSON value starting exactly at p (no leading whitespace). Returns the index just
 * after the value (no trailing whitespace consumed), or -1. Allocation-free (except growing the
 * shared container stack on very deep input).
 */
function skipValue(s: string, p: number, end: number): number {
  let depth = 0;
  let st = stack;
  for (;;) {
    // --- parse a value at p ---
    if (p >= end) return -1;
    let c = s.charCodeAt(p);
    if (c === 0x22) {
      p = scanString(s, p + 1, end);
      if (p < 0) return -1;
    } else if (c === 0x7b) {
      p = skipWs(s, p + 1, end);
      if (p < end && s.charCodeAt(p) === 0x7d) {
        p++;
      } else {
        if (depth === st.length) {
          const n = new Uint8Array(st.length * 2);
          n.set(st);
          stack = st = n;
        }
        st[depth++] = OBJ;
        p = scanKeyColon(s, p, end);
        if (p < 0) return -1;
        continue;
      }
    } else if (c === 0x5b) {
      p = skipWs(s, p + 1, end);
      if (p < end && s.charCodeAt(p) === 0x5d) {
        p++;
      } else {
        if (depth === st.length) {
          const n = new Uint8Array(st.length * 2);
          n.set(st);
          stack = st = n;
        }
        st[depth++] = ARR;
        continue;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      p = scanNumber(s, p, end);
      if (p < 0) return -1;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      p = scanLiteral(s, p, end);
      if (p < 0) return -1;
    } else {
      return -1;
    }
    // --- after a value: close containers / find the next value ---
    for (;;) {
      if (depth === 0) return p;
      p = skipWs(s, p, end);
      if (p >= end) return -1;
      c = s.charCodeAt(p);
      const top = st[depth - 1];
      if (c === 0x2c) {
        p = skipWs(s, p + 1, end);
        if (top === OBJ) {
          p = scanKeyColon(s, p, end);
          if (p < 0) return -1;
        }
        break;
      }
      if (c === (top === OBJ ? 0x7d : 0x5d)) {
        depth--;
        p++;
        continue;
      }
      return -1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Selection-driven object parsing.

/** Buffer and offset of the current line (s[i] is buf[base + i]). */
let curBuf: Buffer = Buffer.alloc(0);
let base = 0;

function lookup(node: Node, s: string, ks: number, ke: number, escaped: boolean): Entry | undefined {
  if (escaped || node.decodeAll) {
    const key: string = escaped
      ? (JSON.parse(curBuf.toString('utf8', base + ks - 1, base + ke + 1)) as string)
      : curBuf.toString('utf8', base + ks, base + ke);
    return node.map.get(key);
  }
  const cands = node.byLen[ke - ks];
  if (cands === undefined) return undefined;
  outer: for (let i = 0; i < cands.length; i++) {
    const e = cands[i]!;
    const kb = e.bytes;
    for (let j = 0; j < kb.length; j++) if (s.charCodeAt(ks + j) !== kb[j]) continue outer;
    return e;
  }
  return undefined;
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** JSON.parse of the (already validated) value s[vs, ve), avoiding the UTF-8 decode when the text is ASCII. */
function materialise(s: string, vs: number, ve: number): unknown {
  for (let i = vs; i < ve; i++) {
    if (s.charCodeAt(i) >= 0x80) return JSON.parse(curBuf.toString('utf8', base + vs, base + ve));
  }
  const c = s.charCodeAt(vs);
  if (c === 0x22) {
    // ASCII string: no escapes means the contents are the value itself.
    const body = s.slice(vs + 1, ve - 1);
    return body.indexOf('\\') < 0 ? body : JSON.parse(s.slice(vs, ve));
  }
  return JSON.parse(s.slice(vs, ve));
}

/** Result of the last parseSelObject call. */
let selOut: Record<string, unknown> | null = null;

/** p is just after '{'. Returns the index after the matching '}', or -1; the projection is left in selOut. */
function parseSelObject(s: string, p: number, end: number, node: Node): number {
  const obj: Record<string, unknown> = {};
  p = skipWs(s, p, end);
  if (p < end && s.charCodeAt(p) === 0x7d) {
    selOut = obj;
    return p + 1;
  }
  for (;;) {
    if (p >= end || s.charCodeAt(p) !== 0x22) return -1;
    const ks = p + 1;
    sawEscape = false;
    p = scanString(s, ks, end);
    if (p < 0) return -1;
    const entry = lookup(node, s, ks, p - 1, sawEscape);
    p = skipWs(s, p, end);
    if (p >= end || s.charCodeAt(p) !== 0x3a) return -1;
    p = skipWs(s, p + 1, end);
    if (entry === undefined) {
      p = skipValue(s, p, end);
      if (p < 0) return -1;
    } else if (entry.sub !== null && p < end && s.charCodeAt(p) === 0x7b) {
      p = parseSelObject(s, p + 1, end, entry.sub);
      if (p < 0) return -1;
      setKey(obj, entry.key, selOut);
    } else {
      const vs = p;
      p = skipValue(s, p, end);
      if (p < 0) return -1;
      setKey(obj, entry.key, materialise(s, vs, p));
    }
    p = skipWs(s, p, end);
    if (p >= end) return -1;
    const c = s.charCodeAt(p);
    if (c === 0x2c) {
      p = skipWs(s, p + 1, end);
      continue;
    }
    if (c === 0x7d) {
      selOut = obj;
      return p + 1;
    }
    return -1;
  }
}

const FAIL: { ok: false } = Object.freeze({ ok: false }) as { ok: false };
const EMPTY = Buffer.alloc(0);

/**
 * Parses buf[start, end) (UTF-8 bytes of ONE JSON value, possibly with surrounding whitespace).
 * Returns { ok: true, value } where value is the projection of JSON.parse(text) onto the selection
 * when the top-level value is an object; for a valid non-object top-level value returns
 * { ok: true, value: <that value> }; returns { ok: false } exactly when
 * JSON.parse(buf.toString('utf8', start, end)) would throw.
 */
export function selectJson(
  buf: Uint8Array,
  start: number,
  end: number,
  sel: CompiledSelection,
): { ok: true; value: unknown } | { ok: false } {
  const b: Buffer = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (start < 0) start = 0;
  if (end > b.length) end = b.length;
  if (start >= end) return FAIL;
  const s = b.toString('latin1', start, end);
  const n = s.length;
  curBuf = b;
  base = start;
  noCtl = useIndexOf && !CTL_RE.test(s);
  bsNext = -1;
  try {
    let p = skipWs(s, 0, n);
    if (p >= n) return FAIL;
    let value: unknown;
    if (s.charCodeAt(p) === 0x7b) {
      p = parseSelObject(s, p + 1, n, sel as unknown as Node);
      if (p < 0) return FAIL;
      value = selOut;
      selOut = null;
    } else {
      const vs = p;
      p = skipValue(s, p, n);
      if (p < 0) return FAIL;
      value = JSON.parse(b.toString('utf8', start + vs, start + p));
    }
    if (skipWs(s, p, n) !== n) return FAIL;
    return { ok: true, value };
  } finally {
    curBuf = EMPTY;
  }
}
