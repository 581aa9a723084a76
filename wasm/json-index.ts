// Structural JSON indexer for Vault audit lines (AssemblyScript -> WebAssembly).
//
// index(len) validates the JSON text at inputOffset()[0, len) exactly as V8's JSON.parse would accept it
// (grammar only; invalid UTF-8 is accepted because JSON.parse decodes it to U+FFFD) and records byte spans
// (relative to inputOffset()) of the values the Vault collector reads:
//   slot 0..6  : LAST top-level time, type, error, auth, request, client_certificate_serial_number, response
//   slot 7..10 : LAST auth, mount_type, mount_accessor, wrap_info inside the LAST top-level `response` when
//                that is an object
// Each slot is 3 i32 at resultsOffset(): start, end, reserved (0).
// start = -1 means "not present".
// Return: 0 invalid, 1 valid top-level object, 2 valid non-object top-level value, 3 a tracked-level key
// contains a backslash (caller must fall back to a full JSON.parse; validity NOT decided).
// On status 1 it also writes the projection itself as one compact JSON text at outputOffset(len) (length at
// resultsOffset()+132, 1 at +136 when that text is ASCII, offset at +140), so the caller needs one JSON.parse.
// Memory layout (caller-managed): input at inputOffset(), a depth stack of len+1 bytes at stackOffset(len), the
// output at outputOffset(len). Caller must make memory at least outputOffset(len) + len + 256 bytes.
// No recursion: nesting depth is bounded only by memory.

const NSLOT: i32 = 11;
const RES: usize = memory.data(NSLOT * 12 + 20, 16);

const K_RESPONSE: i32 = 6;

/** Set by scanString when the string contains an escape (only consulted for member names). */
let gEsc: bool = false;

// `"name":` texts for the projected output, indexed by slot id via KEYOFF.
const KEYTXT: usize = memory.data<u8>([
  34, 116, 105, 109, 101, 34, 58, 34, 116, 121, 112, 101, 34, 58, 34, 101, 114, 114, 111, 114, 34, 58, 34, 97, 117,
  116, 104, 34, 58, 34, 114, 101, 113, 117, 101, 115, 116, 34, 58, 34, 99, 108, 105, 101, 110, 116, 95, 99, 101, 114,
  116, 105, 102, 105, 99, 97, 116, 101, 95, 115, 101, 114, 105, 97, 108, 95, 110, 117, 109, 98, 101, 114, 34, 58, 34,
  114, 101, 115, 112, 111, 110, 115, 101, 34, 58, 34, 97, 117, 116, 104, 34, 58, 34, 109, 111, 117, 110, 116, 95, 116,
  121, 112, 101, 34, 58, 34, 109, 111, 117, 110, 116, 95, 97, 99, 99, 101, 115, 115, 111, 114, 34, 58, 34, 119, 114,
  97, 112, 95, 105, 110, 102, 111, 34, 58,
]);
const KEYOFF: usize = memory.data<u8>([0, 7, 14, 22, 29, 39, 74, 85, 92, 105, 122, 134]);

export function resultsOffset(): usize {
  return RES;
}

export function inputOffset(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

export function stackOffset(len: i32): usize {
  return (inputOffset() + <usize>len + 16) & ~(<usize>15);
}

/** Where index() writes the projected JSON text (status 1). Memory must reach outputOffset(len) + len + 256. */
export function outputOffset(len: i32): usize {
  return (stackOffset(len) + <usize>len + 32) & ~(<usize>15);
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

/** p points just after the opening quote. Returns the position after the closing quote, or 0 on error. */
@inline function specials(v: u64): u64 {
  // haszero(v ^ '"') | haszero(v ^ '\\') | hasless(v, 0x20), sharing the final "& ~v & 0x80.." (the xor constants
  // have clear high bits). The lowest flagged byte is exact (false positives only sit above a true match).
  return (((v ^ 0x2222222222222222) - 0x0101010101010101) |
    ((v ^ 0x5c5c5c5c5c5c5c5c) - 0x0101010101010101) |
    (v - 0x2020202020202020)) & ~v & 0x8080808080808080;
}

// The byte at e is a 0 sentinel (written by index()) and memory extends at least 16 bytes past e, so the scanners
// below need no bounds checks: every loop stops at the sentinel (0 is not whitespace, a digit, a hex digit, a
// letter of a literal, or a legal string byte), and 8-byte loads may over-read into the padding.

/** p points just after the opening quote. Returns the position after the closing quote, or 0 on error. */
@inline function scanString(p: usize): usize {
  while (true) {
    let v = load<u64>(p);
    let m = specials(v);
    while (m == 0) {
      p += 8;
      v = load<u64>(p);
      m = specials(v);
    }
    p += <usize>(ctz(m) >> 3);
    const c = <u32>load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c != 0x5c) return 0; // control character or the sentinel
    gEsc = true;
    const d = <u32>load<u8>(p + 1);
    if (d == 0x75) {
      if (
        !isHex(<u32>load<u8>(p + 2)) ||
        !isHex(<u32>load<u8>(p + 3)) ||
        !isHex(<u32>load<u8>(p + 4)) ||
        !isHex(<u32>load<u8>(p + 5))
      )
        return 0;
      p += 6;
    } else if (
      d == 0x22 || d == 0x5c || d == 0x2f || d == 0x62 || d == 0x66 || d == 0x6e || d == 0x72 || d == 0x74
    ) {
      p += 2;
    } else {
      return 0;
    }
  }
  return 0;
}

@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
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

/** Top-level key id (0..6) or -1. k..k+n are the raw key bytes (no escapes). */
@inline function matchTop(k: usize, n: usize): i32 {
  if (n == 4) {
    const w = load<u32>(k);
    if (w == 0x656d6974) return 0; // time
    if (w == 0x65707974) return 1; // type
    if (w == 0x68747561) return 3; // auth
    return -1;
  }
  if (n == 8) return load<u64>(k) == 0x65736e6f70736572 ? K_RESPONSE : -1; // response
  if (n == 7) return load<u32>(k) == 0x75716572 && load<u32>(k + 3) == 0x74736575 ? 4 : -1; // request
  if (n == 5) return load<u32>(k) == 0x6f727265 && load<u8>(k + 4) == 0x72 ? 2 : -1; // error
  if (n == 32) {
    return load<u64>(k) == 0x635f746e65696c63 &&
      load<u64>(k + 8) == 0x6163696669747265 &&
      load<u64>(k + 16) == 0x61697265735f6574 &&
      load<u64>(k + 24) == 0x7265626d756e5f6c
      ? 5
      : -1; // client_certificate_serial_number
  }
  return -1;
}

/** Key id inside `response` (7..10) or -1. */
@inline function matchResp(k: usize, n: usize): i32 {
  if (n == 4) return load<u32>(k) == 0x68747561 ? 7 : -1; // auth
  if (n == 10) return load<u64>(k) == 0x79745f746e756f6d && load<u32>(k + 6) == 0x65707974 ? 8 : -1; // mount_type
  if (n == 14) return load<u64>(k) == 0x63615f746e756f6d && load<u64>(k + 6) == 0x726f737365636361 ? 9 : -1; // mount_accessor
  if (n == 9) return load<u64>(k) == 0x666e695f70617277 && load<u8>(k + 8) == 0x6f ? 10 : -1; // wrap_info
  return -1;
}

@inline function setSlot(id: i32, s: usize, e: usize, flags: i32): void {
  const r = RES + <usize>id * 12;
  store<i32>(r, <i32>s);
  store<i32>(r, <i32>e, 4);
  store<i32>(r, flags, 8);
}

@inline function copyKey(o: usize, id: i32): usize {
  const ko = <usize>load<u8>(KEYOFF + <usize>id);
  const kl = <usize>load<u8>(KEYOFF + <usize>id + 1) - ko;
  memory.copy(o, KEYTXT + ko, kl);
  return o + kl;
}

@inline function copySlot(o: usize, base: usize, id: i32): usize {
  o = copyKey(o, id);
  const r = RES + <usize>id * 12;
  const s = <usize>load<i32>(r);
  const n = <usize>load<i32>(r, 4) - s;
  memory.copy(o, base + s, n);
  return o + n;
}

/** Writes the projection as one JSON text at outputOffset(len); length at RES+132, ASCII flag at RES+136, offset
 *  at RES+140. */
function emitProjection(base: usize, len: i32): void {
  const o0 = outputOffset(len);
  let o = o0;
  store<u8>(o++, 0x7b);
  for (let id = 0; id < NSLOT; id++) {
    const s = load<i32>(RES + <usize>id * 12);
    if (s < 0) continue;
    if (o != o0 + 1) store<u8>(o++, 0x2c);
    if (id != K_RESPONSE) {
      o = copySlot(o, base, id);
    } else {
      if (load<u8>(base + <usize>s) != 0x7b) {
        o = copySlot(o, base, id);
      } else {
        o = copyKey(o, id);
        store<u8>(o++, 0x7b);
        const o1 = o;
        for (let j = K_RESPONSE + 1; j < NSLOT; j++) {
          if (load<i32>(RES + <usize>j * 12) < 0) continue;
          if (o != o1) store<u8>(o++, 0x2c);
          o = copySlot(o, base, j);
        }
        store<u8>(o++, 0x7d);
      }
      break;
    }
  }
  store<u8>(o++, 0x7d);
  store<i32>(RES + 132, <i32>(o - o0));
  // ASCII check of the output only (non-ASCII bytes in skipped subtrees do not force UTF-8 decoding)
  let hi: u64 = 0;
  let q = o0;
  for (; q + 8 <= o; q += 8) hi |= load<u64>(q);
  for (; q < o; q++) hi |= <u64>load<u8>(q);
  store<i32>(RES + 136, (hi & 0x8080808080808080) == 0 ? 1 : 0);
  store<i32>(RES + 140, <i32>o0);
}

export function index(len: i32): i32 {
  const base = inputOffset();
  const e = base + <usize>len;
  const stack = stackOffset(len);
  for (let i = 0; i < NSLOT; i++) store<i32>(RES + <usize>i * 12, -1);
  store<u64>(e, 0); // sentinel (+7 zero bytes)

  let p = skipWs(base);
  if (p >= e) return 0;
  const status: i32 = load<u8>(p) == 0x7b ? 1 : 2;

  let depth: usize = 0;
  let cur: u32 = 0; // container at `depth`: 1 object, 2 array
  let pend1: i32 = -1; // slot of the depth-1 member whose value is being parsed
  let vs1: usize = 0;
  let pend2: i32 = -1; // slot of the depth-2 member (inside the tracked response object)
  let vs2: usize = 0;
  let watch: usize = 0; // depth at which the innermost pending value ends (0: none)
  let keyDepth: usize = 1; // keys at depth <= keyDepth are matched (2 while inside the tracked response object)
  let inKey = false;

  while (true) {
    if (inKey) {
      // p at the opening quote of a member name (or garbage)
      if (load<u8>(p) != 0x22) return 0;
      const ks = p + 1;
      gEsc = false;
      p = scanString(ks);
      if (p == 0) return 0;
      let id: i32 = -1;
      if (depth <= keyDepth) {
        if (gEsc) return 3;
        id = depth == 1 ? matchTop(ks, p - 1 - ks) : matchResp(ks, p - 1 - ks);
      }
      if (load<u8>(p) != 0x3a) {
        p = skipWs(p);
        if (load<u8>(p) != 0x3a) return 0;
      }
      p = skipWs(p + 1);
      if (id >= 0) {
        if (depth == 1) {
          pend1 = id;
          vs1 = p;
          watch = 1;
          if (id == K_RESPONSE) {
            for (let i = 7; i < NSLOT; i++) store<i32>(RES + <usize>i * 12, -1);
          }
        } else {
          pend2 = id;
          vs2 = p;
          watch = 2;
        }
      }
    }

    // value at p (p is not at whitespace)
    const c = <u32>load<u8>(p);
    if (c == 0x22) {
      p = scanString(p + 1);
      if (p == 0) return 0;
    } else if (c == 0x7b) {
      p = skipWs(p + 1);
      if (load<u8>(p) != 0x7d) {
        depth++;
        store<u8>(stack + depth, 1);
        cur = 1;
        if (depth == 2 && pend1 == K_RESPONSE) keyDepth = 2;
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
      if (depth == watch) {
        if (depth == 2) {
          setSlot(pend2, vs2 - base, p - base, 0);
          pend2 = -1;
          watch = pend1 >= 0 ? 1 : 0;
        } else if (depth == 1) {
          setSlot(pend1, vs1 - base, p - base, 0);
          pend1 = -1;
          watch = 0;
        }
      }
      p = skipWs(p);
      if (depth == 0) {
        if (p != e) return 0;
        if (status == 1) emitProjection(base, len);
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
      if (depth == 2) keyDepth = 1;
      depth--;
      cur = <u32>load<u8>(stack + depth);
    }
  }
  return 0;
}
