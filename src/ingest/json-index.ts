/**
 * WebAssembly structural indexer for Vault audit lines.
 *
 * The wasm module (wasm/json-index.ts, AssemblyScript, built to dist/json-index.wasm) validates a whole line with
 * JSON.parse's grammar (explicit stack, no recursion) and finds the byte spans of the values the Vault collector
 * reads; it then writes those spans, under fixed ASCII keys, as one compact JSON text, which JS decodes (latin1 when
 * the line is ASCII) and hands to a single JSON.parse. Everything else (request.data, response.data, headers, ...)
 * is validated but never decoded or materialised.
 *
 * Exact JS fallbacks (JSON.parse of the whole line + projection): escaped keys at the tracked levels, lines over
 * 256 MiB, and — as a pure speed choice — lines whose first 96 bytes contain "type":"request" (they keep auth and
 * request whole, i.e. nearly every byte, so indexing first does not pay).
 *
 * Each module instance (main thread or worker) instantiates its own wasm instance synchronously at load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface IndexExports {
  memory: WebAssembly.Memory;
  resultsOffset(): number;
  inputOffset(): number;
  stackOffset(len: number): number;
  outputOffset(len: number): number;
  index(len: number): number;
}

function locateWasm(): string {
  // Compiled layout: dist/src/ingest/json-index.js -> dist/json-index.wasm
  const direct = fileURLToPath(new URL('../../json-index.wasm', import.meta.url));
  if (existsSync(direct)) return direct;
  // Source layout (vitest, tsx): walk up to the package root and use its dist/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const p = join(dir, 'dist', 'json-index.wasm');
      if (existsSync(p)) return p;
      throw new Error(`json-index: ${p} not found (run npm run build)`);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('json-index: cannot locate dist/json-index.wasm (no package.json above module)');
    dir = up;
  }
}

const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(locateWasm())), {
  env: {
    abort(): never {
      throw new Error('json-index: wasm abort');
    },
  },
}).exports as unknown as IndexExports;

const MAX_LINE = 256 * 1024 * 1024;
const NSLOT = 11;
const memory = wasm.memory;
const IN = wasm.inputOffset();
const RES = wasm.resultsOffset();
let mem = new Uint8Array(memory.buffer);
/** Buffer.prototype.latin1Slice/utf8Slice: the bounds-checked cores of toString('latin1'|'utf8'), present in every
 *  supported Node but missing from @types/node. */
type SliceBuffer = Buffer & { latin1Slice(a: number, b: number): string; utf8Slice(a: number, b: number): string };
let memBuf = Buffer.from(memory.buffer) as SliceBuffer;
// NSLOT x (start, end, reserved), then output length (33), ASCII flag (34), output offset (35)
let res = new Int32Array(memory.buffer, RES, NSLOT * 3 + 3);

function ensureCapacity(len: number): void {
  const need = wasm.outputOffset(len) + len + 256;
  const have = memory.buffer.byteLength;
  if (need > have) {
    memory.grow(Math.ceil((need - have) / 65536));
    mem = new Uint8Array(memory.buffer);
    memBuf = Buffer.from(memory.buffer) as SliceBuffer;
    res = new Int32Array(memory.buffer, RES, NSLOT * 3 + 3);
  }
}

const TOP_KEYS = ['time', 'type', 'error', 'auth', 'request', 'client_certificate_serial_number'] as const;
const RESP_KEYS = ['auth', 'mount_type', 'mount_accessor', 'wrap_info'] as const;
const KEEP_TOP = new Set<string>([...TOP_KEYS, 'response']);
const KEEP_RESP = new Set<string>(RESP_KEYS);

function isKeptTop(k: string): boolean {
  switch (k) {
    case 'time':
    case 'type':
    case 'error':
    case 'auth':
    case 'request':
    case 'client_certificate_serial_number':
    case 'response':
      return true;
    default:
      return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Exact JS path: JSON.parse of the whole text, then the projection. Used for escaped tracked keys (the indexer
 *  cannot decide key identity) and for request lines (which keep nearly every byte, so indexing does not pay). */
function projectSlow(text: string): unknown | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(v)) return v;
  const keys = Object.keys(v);
  let drop = false;
  for (let i = 0; i < keys.length && !drop; i++) {
    const k = keys[i]!;
    drop = k === 'response' ? isPlainObject(v[k]) : !isKeptTop(k);
  }
  if (!drop) return v; // already its own projection (typical request line)
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!KEEP_TOP.has(k)) continue;
    let val = v[k];
    if (k === 'response' && isPlainObject(val)) {
      const r: Record<string, unknown> = {};
      for (const rk of Object.keys(val)) if (KEEP_RESP.has(rk)) r[rk] = val[rk];
      val = r;
    }
    out[k] = val;
  }
  return out;
}

let requestShortcut = true;

// `"type":"request"`
const REQ = [0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x22];
/** Strategy hint only (both paths are exact): does `"type":"request"` occur within the first 96 bytes? Request
 *  lines keep nearly every byte (auth and request are kept whole), so indexing them first does not pay. */
function looksLikeRequest(buf: Uint8Array, start: number, end: number): boolean {
  const lim = Math.min(end, start + 96) - REQ.length;
  outer: for (let i = start + 1; i <= lim; i++) {
    if (buf[i] !== 0x22 || buf[i + 1] !== 0x74 || buf[i + 6] !== 0x3a) continue;
    for (let j = 2; j < REQ.length; j++) if (buf[i + j] !== REQ[j]) continue outer;
    return true;
  }
  return false;
}
/** Test hook: disable the request-line shortcut so that every line goes through the wasm indexer. */
export function _setRequestShortcut(enabled: boolean): void {
  requestShortcut = enabled;
}

/** Parses buf[start,end) (one JSON text, may have surrounding JSON whitespace). Returns
 *  undefined when JSON.parse(buf.toString('utf8', start, end)) would throw; otherwise a value V such that
 *  V deep-equals project(JSON.parse(text)) where project keeps, for a top-level object, only the keys
 *  time, type, error, auth, request, client_certificate_serial_number (whole values) and response — of which,
 *  when `response` is an object, only its keys auth, mount_type, mount_accessor, wrap_info are kept (whole
 *  values); a non-object `response` is kept whole. A valid top-level value that is not an object is returned whole. */
export function parseVaultEntry(buf: Uint8Array, start: number, end: number): unknown | undefined {
  if (start < 0) start = 0; // clamp like buf.toString does
  if (end > buf.length) end = buf.length;
  const len = end - start;
  if (len <= 0) return undefined;
  if (len > MAX_LINE || (requestShortcut && looksLikeRequest(buf, start, end))) {
    // Giant lines (> 256 MiB) are not copied into wasm memory; they take the exact JS path (which throws, like
    // the plain JSON.parse(buf.toString()) it replaces, when the text exceeds V8's maximum string length).
    const b = (buf instanceof Buffer ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) as SliceBuffer;
    // (latin1 decoding of ASCII lines would be ~7% cheaper, but checking ASCII-ness costs about as much)
    return projectSlow(b.utf8Slice(start, end));
  }
  ensureCapacity(len);
  mem.set(buf.subarray(start, end), IN);
  const status = wasm.index(len);
  if (status === 1) {
    // The wasm module wrote the projection as one JSON text made of the validated value spans and fixed ASCII
    // keys. Spans start and end at ASCII bytes, so decoding them (incl. U+FFFD for invalid UTF-8) equals decoding
    // the whole line; a pure-ASCII line decodes identically as latin1, which is cheaper.
    const o = res[35]!;
    const n = res[33]!;
    return JSON.parse(res[34] ? memBuf.latin1Slice(o, o + n) : memBuf.utf8Slice(o, o + n));
  }
  if (status === 0) return undefined;
  if (status === 2) return JSON.parse(memBuf.utf8Slice(IN, IN + len));
  return projectSlow(memBuf.utf8Slice(IN, IN + len));
}
