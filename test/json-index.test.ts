import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { describe, it, expect } from 'vitest';
import { _setRequestShortcut, parseVaultEntry } from '../src/ingest/json-index.js';

// ---------------------------------------------------------------------------------------------
// Reference semantics: project(JSON.parse(text)); undefined exactly when JSON.parse throws.

const TOP = new Set(['time', 'type', 'error', 'auth', 'request', 'client_certificate_serial_number', 'response']);
const RESP = new Set(['auth', 'mount_type', 'mount_accessor', 'wrap_info']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function project(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (!TOP.has(k)) continue;
    let val = v[k];
    if (k === 'response' && isPlainObject(val)) {
      const r: Record<string, unknown> = {};
      for (const rk of Object.keys(val)) if (RESP.has(rk)) r[rk] = val[rk];
      val = r;
    }
    out[k] = val;
  }
  return out;
}

type Ref = { ok: true; value: unknown } | { ok: false };
function reference(buf: Uint8Array, start: number, end: number): Ref {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', start, end));
  } catch {
    return { ok: false };
  }
  return { ok: true, value: project(parsed) };
}

let checked = 0;
/** Asserts equivalence for buf[start, end); returns whether JSON.parse accepts it. */
function check(buf: Uint8Array, start = 0, end = buf.length): boolean {
  const want = reference(buf, start, end);
  const got = parseVaultEntry(buf, start, end);
  checked++;
  const show = (): string => JSON.stringify(Buffer.from(buf).toString('utf8', start, end).slice(0, 400));
  if ((got !== undefined) !== want.ok) {
    throw new Error(`validity mismatch: parseVaultEntry ${got === undefined ? 'rejected' : 'accepted'}, JSON.parse ok=${want.ok} for ${show()}`);
  }
  if (want.ok && !isDeepStrictEqual(got, want.value)) {
    expect(got, show()).toStrictEqual(want.value);
    expect.fail(`values differ (strict equality) for ${show()}`);
  }
  return want.ok;
}
const checkStr = (s: string): boolean => check(Buffer.from(s, 'utf8'));

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32)

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Corpora

function realLines(): string[] {
  const out: string[] = [];
  for (const f of ['fixtures/real/vault-public-samples.jsonl', 'fixtures/vault/audit.log', 'fixtures/demo/vault-demo.log']) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const i = line.indexOf('{');
      if (i >= 0) out.push(line.slice(i));
    }
  }
  return out;
}
const REAL = realLines();
const REAL_SMALL = [...REAL.slice(0, 29), ...REAL.slice(29).filter((_, i) => i % 40 === 0)];

/** Random JSON text generator with control over whitespace, escapes, key choice. */
function makeGen(r: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ws = (): string => (r() < 0.6 ? '' : pick([' ', '\t', '\n', '\r', '  ', ' \r\n\t ']));
  const KEYS = [
    'time', 'type', 'error', 'auth', 'request', 'response', 'data', 'headers', 'client_token', 'accessor',
    'display_name', 'policies', 'entity_id', 'client_id', 'namespace', 'path', 'mount_point', 'mount_type',
    'mount_accessor', 'wrap_info', 'client_certificate_serial_number', '__proto__', 'é', '😀', 'q"k', 'b\\s', '',
    '1', 'a', 'x', 'typ', 'typee', 'Type', 'respons', 'responses', 'mount_typ', 'wrap_infos', 'constructor', 'toString',
  ];
  /** Encode a key/string with random escaping choices (escapes rarely, so tracked keys stay mostly plain). */
  const enc = (s: string, escRate = 0.1): string => {
    let out = '"';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      const roll = r();
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (cp < 0x20) out += roll < 0.5 ? JSON.stringify(ch).slice(1, -1) : '\\u' + cp.toString(16).padStart(4, '0');
      else if (roll < escRate) {
        const units = cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp];
        for (const u of units) {
          const h = u.toString(16).padStart(4, '0');
          out += '\\u' + (r() < 0.5 ? h : h.toUpperCase());
        }
      } else if (ch === '/' && roll < 0.5) out += '\\/';
      else out += ch;
    }
    return out + '"';
  };
  const STRS = [
    'hmac-sha256:9cc3baa3c2bd7a4b233ca1fdcf69df91c8f2a9f14ddda54a4039190f581dd327', 'root', 'sys/mounts', '',
    'a"b', 'c\\d', 'tab\there', 'nl\nx', 'ü', '€uro', '😀 astral', 'a/b/c', '\u0000\u001f', '\u2028\u2029',
    'response', 'type',
  ];
  const str = (): string => {
    const roll = r();
    if (roll < 0.6) return enc(pick(STRS));
    if (roll < 0.7) return pick(['"\\uD800"', '"\\udfff x"', '"\\uDBFF\\uDFFF"', '"\\ud83d"', '"\\uDc00\\ud800"']);
    if (roll < 0.72) return enc('x'.repeat(1000 + Math.floor(r() * 5000)));
    return enc(pick(KEYS));
  };
  const num = (): string =>
    pick([
      '0', '-0', '1', '-1', '123456789', '0.5', '-0.0', '1e3', '1E+3', '1e-3', '2.5E-10', '-12.34e+56',
      '1e400', '-1e400', '123456789012345678901234567890', '4.9e-324', '0e0', '9007199254740993', '0E-0', '-0.000e+00',
    ]);
  const key = (): string => (r() < 0.9 ? enc(pick(KEYS), r() < 0.97 ? 0 : 0.3) : enc(pick(STRS)));
  const value = (depth: number): string => {
    const roll = r();
    if (depth <= 0 || roll < 0.35) {
      const s = r();
      if (s < 0.45) return str();
      if (s < 0.75) return num();
      return pick(['true', 'false', 'null']);
    }
    if (roll < 0.75) return obj(depth - 1);
    const n = Math.floor(r() * 5);
    if (n === 0) return '[' + ws() + ']';
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(ws() + value(depth - 1) + ws());
    return '[' + items.join(',') + ']';
  };
  const obj = (depth: number): string => {
    const n = Math.floor(r() * 8);
    if (n === 0) return '{' + ws() + '}';
    const members: string[] = [];
    for (let i = 0; i < n; i++) members.push(ws() + key() + ws() + ':' + ws() + value(depth) + ws());
    return '{' + members.join(',') + '}';
  };
  return { obj, value, ws, pick };
}

function adversarialLines(n: number, seed: number): string[] {
  const r = rng(seed);
  const g = makeGen(r);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(g.ws() + (r() < 0.95 ? g.obj(4) : g.value(3)) + g.ws());
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('parseVaultEntry: real Vault lines', () => {
  it('has a corpus', () => {
    expect(REAL.length).toBeGreaterThanOrEqual(1200);
  });
  it('matches project(JSON.parse(line)) on every real line', () => {
    for (const line of REAL) expect(checkStr(line)).toBe(true);
  });
  it('actually keeps the wanted values and drops the rest', () => {
    const line = REAL[0]!;
    const v = parseVaultEntry(Buffer.from(line), 0, Buffer.byteLength(line)) as Record<string, Record<string, unknown>>;
    expect(v['time']).toBe('2020-12-01T20:29:04.356625452Z');
    expect(v['auth']!['client_token']).toMatch(/^hmac-sha256:/);
    expect(Object.keys(v).every((k) => TOP.has(k))).toBe(true);
    const resp = REAL.find((l) => l.includes('"type":"response"') && /"response":\{/.test(l))!;
    const rv = parseVaultEntry(Buffer.from(resp), 0, Buffer.byteLength(resp)) as Record<string, Record<string, unknown>>;
    expect(rv['response']).toBeDefined();
    expect(Object.keys(rv['response']!).every((k) => RESP.has(k))).toBe(true);
  });
  it('works on a line inside a larger buffer (start/end honoured, no read past end)', () => {
    const all = Buffer.from(REAL_SMALL.join('\n') + '\n');
    let s = 0;
    for (const line of REAL_SMALL) {
      const e = s + Buffer.byteLength(line);
      expect(check(all, s, e)).toBe(true);
      // Truncations inside a larger buffer must fail even though the following bytes would complete the value.
      expect(parseVaultEntry(all, s, e - 1)).toBeUndefined();
      s = e + 1;
    }
    // Uint8Array (non-Buffer) input with a byteOffset
    const plain = new Uint8Array(all.length + 3);
    plain.set(all, 3);
    const view = plain.subarray(3);
    const first = Buffer.byteLength(REAL_SMALL[0]!);
    expect(parseVaultEntry(view, 0, first)).toStrictEqual(reference(all, 0, first).ok && project(JSON.parse(REAL_SMALL[0]!)));
    expect(check(view, 0, first)).toBe(true);
    // end past the buffer / negative start are clamped like buf.toString does
    const one = Buffer.from(REAL_SMALL[1]!);
    expect(parseVaultEntry(one, -3, one.length + 10)).toStrictEqual(project(JSON.parse(REAL_SMALL[1]!)));
    expect(parseVaultEntry(one, 5, 2)).toBeUndefined();
  });
});

describe('parseVaultEntry: hand-written adversarial cases', () => {
  const cases: string[] = [
    // wanted keys nested inside unwanted subtrees
    '{"request":{"data":{"type":"x","auth":{"client_token":"t"},"path":"p"},"path":"real"}}',
    '{"response":{"data":{"auth":{"client_token":"no"}},"auth":{"client_token":"yes"}}}',
    '{"response":{"data":{"auth":1,"mount_type":2,"wrap_info":3}}}',
    '{"data":{"time":1,"type":2,"response":{"auth":1}},"time":3}',
    '{"request":{"response":{"auth":1}},"x":[{"response":{"auth":2}}]}',
    '{"response":[{"auth":1,"mount_type":2}]}',
    '{"response":{"x":{"auth":1},"auth":2,"mount_type":"kv","mount_accessor":"a","wrap_info":{"token":"t"},"data":{}}}',
    // duplicates of wanted keys
    '{"type":1,"type":2}',
    '{"type":1,"time":2,"type":3}',
    '{"response":{"auth":1,"mount_type":"a"},"response":"str"}',
    '{"response":"str","response":{"auth":1}}',
    '{"response":{"auth":1,"mount_type":"a"},"response":{"wrap_info":2}}',
    '{"response":{"auth":1},"response":{}}',
    '{"response":{"auth":1},"response":null}',
    '{"response":{"auth":1},"response":[]}',
    '{"response":{"auth":1},"response":[{"auth":3}]}',
    '{"response":{"auth":1,"auth":2,"auth":{"x":3}}}',
    '{"response":{"auth":{"a":1}},"x":1,"response":{"mount_type":"kv"},"type":"response"}',
    '{"auth":{"client_token":"a"},"auth":"str"}',
    '{"auth":"str","auth":{"client_token":"b","x":1}}',
    // request-line shortcut (plain JSON.parse of the whole line): must agree too, incl. invalid / non-ASCII lines
    '{"time":"t","type":"request","auth":{"a":1},"request":{"data":{"x":"é"}},"response":{"auth":1,"data":2}}',
    '{"time":"t","type":"request","auth":{"a":1},"request":{"data":{"x":"\u00e9"}},"extra":[1,2]}',
    '{"time":"t","type":"request","auth":{"a":1},"request":{"data":{"x":1,}}}',
    '{"time":"t","type":"request","auth":{"a":1}}x',
    '{"time":"t","type":"request","auth":{"a":1},"type":"response","response":{"mount_type":"kv","data":1}}',
    '{"data":{"type":"request"},"response":{"auth":1,"data":2}}',
    '["type","request",{"type":"request"}]',
    '"\"type\":\"request\""',
    '{"type":"request"',
    '{"type":"request"}',
    '{"ty\u0070e":"request","type":"request","response":{"x":1}}',
    // escaped keys (fall back to full parse)
    '{"ty\\u0070e":"escaped key","t\\u0069me":"x"}',
    '{"\\u0074\\u0079\\u0070\\u0065":1}',
    '{"respons\\u0065":{"auth":1,"data":2}}',
    '{"response":{"mount_typ\\u0065":"kv","data":2}}',
    '{"response":{"a\\"b":1,"auth":2}}',
    '{"q\\"k":1,"b\\\\s":2,"\\u00e9":3,"\\ud83d\\ude00":{"a":4,"b":5}}',
    '{"ty\\u0070e":1,"type":2}',
    '{"type":1,"ty\\u0070e":[1]}',
    '{"ty\\u0070e":1,"x":[1,]}',
    '{"data":{"ty\\u0070e":1},"type":2}',
    '{"TY\\u0050E":1,"typ\\u0065 ":2}',
    // escapes / unicode in values
    '{"type":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"}',
    '{"é":"raw","😀":{"a":1,"z":2},"type":"ü€😀"}',
    '{"data":"\\\\","type":"\\\\\\""}',
    '{"x":"\\"}","type":1}',
    '{"type":"\\uD800","time":"\\udc00x","error":"\\uDBFF\\uDFFF"}',
    '{"\\ud800":1,"type":"\\ud800"}',
    '{"type":"\u2028\u2029"}',
    '{"type":"x","data":"é😀","response":{"data":"ü","mount_type":"kv"}}',
    '{"data":"é","type":"ascii only in the projection"}',
    '{"time":"x\\/y","error":"\\u0000"}',
    // __proto__ and friends
    '{"__proto__":{"polluted":true},"type":1}',
    '{"auth":{"__proto__":{"x":1}},"response":{"__proto__":1,"auth":{"__proto__":[2]}}}',
    '{"constructor":1,"toString":2,"hasOwnProperty":3}',
    // non-object values at wanted paths
    '{"auth":null,"request":[1,{"path":2}],"response":"s"}',
    '{"auth":[],"request":0,"response":true}',
    '{"response":-1.5e3}',
    '{"response":false,"type":null}',
    // whitespace everywhere
    ' \t\r\n{ \t\r\n"type" \t\r\n: \t\r\n"x" \t\r\n, \n"response"\n:\n{\n"auth"\n:\n[ 1 , 2 ]\n ,"mount_type" : "kv" }\n}\n\r\t ',
    '{"type" : "x" , "time" : 1 }',
    // empty containers and numbers
    '{}',
    ' {} ',
    '{"type":{},"auth":{},"request":[],"response":{"auth":{}}}',
    '{"x":[[[],{}],{"a":[]}],"type":[[]]}',
    '{"type":[0,-0,1.5,-1.5e10,1E-5,1e+5,0.0,123456789012345678901234567890,1e400,-1e-400,0e0,0E+0]}',
    '{"time":-0}',
    '{"time":0}',
    '{"time":-0.0e-0}',
    '{"1":1,"0":0,"type":2,"10":10}',
    '{"":1,"a":{"":2}}',
    // top-level non-objects (valid)
    '1',
    '0',
    ' -0.5e-3 ',
    '"str"',
    '"\\ud800"',
    'null',
    'true',
    'false',
    '[1,{"type":2}]',
    '[]',
    ' [ ] ',
    '[{"response":{"auth":1}}]',
    // invalid
    '',
    '   ',
    '\n',
    '{',
    '}',
    '[',
    '"',
    '"abc',
    '"\\"',
    '{"type":1,}',
    '{"type":1,,"a":2}',
    '{,"type":1}',
    '{"type"}',
    '{"type":}',
    '[1,]',
    '[,1]',
    '[1,,2]',
    '{"type":01}',
    '{"type":00}',
    '{"type":-01}',
    '{"type":-}',
    '{"type":--1}',
    '{"type":1.}',
    '{"type":.5}',
    '{"type":1.e5}',
    '{"type":1e}',
    '{"type":1e+}',
    '{"type":1e-}',
    '{"type":1e++1}',
    '{"type":+1}',
    '{"type":0x1}',
    '{"type":1f}',
    '-',
    '1.',
    '01',
    '{"type":"\\x"}',
    '{"type":"\\u12"}',
    '{"type":"\\u12"',
    '{"type":"\\u12G4"}',
    '{"type":"\\U1234"}',
    '{"type":"\\\'"}',
    '{"type":"\\a"}',
    '{"type":"\\0"}',
    '{"type":"a\tb"}',
    '{"type":"a\nb"}',
    '{"type":"a\u0000b"}',
    '{"type":"a\u001fb"}',
    '{"type":"a\u007fb"}',
    '{"ty\tpe":1}',
    '{"ty\\u0070e":"a\tb"}',
    '{"type":tru}',
    '{"type":nul}',
    '{"type":fals}',
    '{"type":True}',
    '{"type":truee}',
    '{"type":nulll}',
    '{"type":NaN}',
    '{"type":Infinity}',
    '{"type":-Infinity}',
    '{"type":undefined}',
    "{'type':1}",
    '{type:1}',
    '{"type" 1}',
    '{"type"::1}',
    '{"type":1}x',
    '{"type":1}{}',
    '{"type":1} 1',
    '{"type":1}}',
    '{"type":1}]',
    '\u00a0{}',
    '\ufeff{}',
    '{}\u000b',
    '{}\f',
    '{}\u0000',
    '{"a":[1 2]}',
    '{"a":{"b":1 "c":2}}',
    '{"a":1 "b":2}',
    '[1}',
    '{"a":]',
    '{"a":1]',
    '{"a":[}',
    '{"\\ud800":1',
    '{"response":{"auth":1}',
    '{"response":{"auth":1,}}',
    '{"response":{"auth":1},}',
  ];
  it(`${cases.length} cases match JSON.parse`, () => {
    for (const c of cases) checkStr(c);
  });
  it('a later non-object response clears the spans of an earlier object one (and vice versa)', () => {
    const b1 = Buffer.from('{"response":{"auth":1,"mount_type":"a"},"response":"str"}');
    expect(parseVaultEntry(b1, 0, b1.length)).toStrictEqual({ response: 'str' });
    const b2 = Buffer.from('{"response":"str","response":{"wrap_info":{"a":1},"data":[1]}}');
    expect(parseVaultEntry(b2, 0, b2.length)).toStrictEqual({ response: { wrap_info: { a: 1 } } });
    const b3 = Buffer.from('{"response":{"auth":1,"mount_type":"a"},"response":{"wrap_info":2}}');
    expect(parseVaultEntry(b3, 0, b3.length)).toStrictEqual({ response: { wrap_info: 2 } });
  });
  it('does not treat __proto__ as a prototype', () => {
    const buf = Buffer.from('{"__proto__":{"polluted":true},"auth":{"__proto__":{"polluted":true}}}');
    const got = parseVaultEntry(buf, 0, buf.length) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(got['auth'], '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('handles deep nesting (explicit stack) in skipped and kept subtrees', () => {
    for (const d of [1000, 20000, 100000]) {
      checkStr('{"data":' + '['.repeat(d) + ']'.repeat(d) + ',"type":1}');
      checkStr('{"data":' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + ',"type":1}');
      checkStr('{"data":' + '['.repeat(d) + ']'.repeat(d - 1) + ',"type":1}');
      checkStr('{"data":' + '[{"x":'.repeat(d) + 'null' + '}]'.repeat(d) + '}');
      // kept deep values (response.auth): deep-equality helpers recurse, so compare validity only past 1000
      const deepResp = ['{"response":' + '{"auth":'.repeat(d) + '1' + '}'.repeat(d) + '}',
        '{"response":' + '{"auth":'.repeat(d) + '1' + '}'.repeat(d - 1) + '}',
        '{"response":' + '{"auth":'.repeat(d) + '1' + '}'.repeat(d) + '}}'];
      for (const t of deepResp) {
        if (d <= 1000) checkStr(t);
        else expect(parseVaultEntry(Buffer.from(t), 0, Buffer.byteLength(t)) !== undefined).toBe(reference(Buffer.from(t), 0, Buffer.byteLength(t)).ok);
      }
    }
    // top-level arrays nested deeply (validated, returned whole when valid)
    for (const d of [1000, 100000, 300000]) {
      const ok = '['.repeat(d) + ']'.repeat(d);
      const b = Buffer.from(ok);
      // JSON.parse may overflow its own stack at extreme depth; only compare when it succeeds
      let ref: boolean;
      try {
        JSON.parse(ok);
        ref = true;
      } catch {
        ref = false;
      }
      if (ref) expect(parseVaultEntry(b, 0, b.length)).toBeDefined();
      expect(parseVaultEntry(b, 0, b.length - 1)).toBeUndefined();
    }
    // kept deep value: equality helpers recurse, so walk it iteratively
    const d = 50000;
    const buf = Buffer.from('{"type":' + '[{"a":'.repeat(d) + '7' + '}]'.repeat(d) + '}');
    const got = parseVaultEntry(buf, 0, buf.length) as { type: unknown };
    let v: unknown = got.type;
    for (let i = 0; i < d; i++) v = ((v as unknown[])[0] as { a: unknown }).a;
    expect(v).toBe(7);
  });
  it('handles huge strings and lines that force memory growth', () => {
    const big = 'h'.repeat(1 << 20);
    checkStr(`{"data":"${big}","type":"${big.slice(0, 1000)}"}`);
    checkStr(`{"data":"${big}\\"${big}","type":1}`);
    checkStr(`{"data":"${big}`);
    checkStr(`{"type":"${big}"}`);
    checkStr(`{"type":"${big}\\n"}`);
    const huge = 'x'.repeat(24 << 20);
    checkStr(`{"response":{"data":"${huge}","auth":{"client_token":"t"}},"type":"response"}`);
    checkStr(`{"response":{"data":"${huge}\u0001","auth":1}}`);
    // and back to a small line after growth
    checkStr('{"type":"small"}');
  });
  it('string scanner: every position of special bytes relative to 8-byte words', () => {
    for (let pre = 0; pre < 20; pre++) {
      for (const special of ['\\"', '\\\\', '\\u00e9', '\u0001', '\u001f', '"', '\\', '\u007f', 'é', '\u0020']) {
        for (let post = 0; post < 12; post++) {
          const s = '{"type":"' + 'a'.repeat(pre) + special + 'b'.repeat(post) + '"}';
          checkStr(s);
          checkStr(' '.repeat(post % 3) + s);
        }
      }
    }
  });
  it('accepts invalid UTF-8 (decoded as U+FFFD by JSON.parse)', () => {
    const parts = [
      Buffer.from('{"type":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","\u00e9'), Buffer.from([0x80]),
      Buffer.from('":1,"'), Buffer.from([0xef, 0xbf]), Buffer.from('":2,"time":"'), Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('","auth":{"x":"'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('"},"response":{"auth":"'),
      Buffer.from([0xc0, 0xaf, 0xe0, 0x80]), Buffer.from('","data":"'), Buffer.from([0xfe]), Buffer.from('"}}'),
    ];
    check(Buffer.concat(parts));
    for (const bytes of [[0xff], [0xef, 0xbf, 0xbd], [0xc3], [0xf0, 0x9f, 0x98], [0x80, 0x80]]) {
      check(Buffer.concat([Buffer.from('{"type'), Buffer.from(bytes), Buffer.from('":7,"type":"'), Buffer.from(bytes), Buffer.from('"}')]));
      check(Buffer.concat([Buffer.from('{"type":"\\n'), Buffer.from(bytes), Buffer.from('"}')]));
      check(Buffer.concat([Buffer.from('{"type":"request","auth":"'), Buffer.from(bytes), Buffer.from('","data":1}')]));
      check(Buffer.concat([Buffer.from('{"type":"request","auth":"'), Buffer.from(bytes), Buffer.from('","data":1,}')]));
    }
  });
});

describe('parseVaultEntry: generated corpora', () => {
  const GEN = adversarialLines(1500, 0xc0ffee);

  it('generated adversarial lines are valid and match', () => {
    let valid = 0;
    for (const line of GEN) if (checkStr(line)) valid++;
    expect(valid).toBe(GEN.length);
  });

  it('every truncation of real lines (and a sample of generated lines) matches', () => {
    const lines = [...REAL_SMALL, ...GEN.filter((l) => l.length < 300).slice(0, 60)];
    for (const line of lines) {
      const buf = Buffer.from(line);
      // sliced inside the full buffer, so bytes past `end` exist and must be ignored
      for (let e = 0; e < buf.length; e++) check(buf, 0, e);
      for (let s = 1; s < Math.min(buf.length, 40); s++) check(buf, s, buf.length);
    }
  });

  it('random mutations: undefined exactly when JSON.parse throws', () => {
    const r = rng(42);
    const pool = [...REAL_SMALL, ...GEN];
    const INSERTS = [
      ',', ',,', '}', ']', '{', '[', '"', '\\', ':', '0', '01', '-', '.', 'e', '+', ' ', '\u0000', '\u0001', '\u001f',
      '\t', '\n', '\u00a0', '\u2028', 'x', 'true', 'nul', '\\u', '\\uZZZZ', '\\x', '\\u00e9', '"a":1', ',"type":1',
      '[]', '{}', '\ufeff', '\u000b', '\f', ',"response":"s"', ',"response":{"auth":9}', '"respons\\u0065":1,',
    ];
    let invalid = 0;
    let total = 0;
    const N = 8000;
    for (let i = 0; i < N; i++) {
      const src = Buffer.from(pool[Math.floor(r() * pool.length)]!);
      const pos = Math.floor(r() * (src.length + 1));
      const kind = Math.floor(r() * 6);
      let mut: Buffer;
      if (kind === 0) {
        mut = Buffer.from(src);
        if (mut.length > 0) mut[Math.min(pos, mut.length - 1)] = Math.floor(r() * 256);
      } else if (kind === 1) {
        mut = Buffer.from(src);
        if (mut.length > 0) mut[Math.min(pos, mut.length - 1)] = '{}[]":,\\ 0-.eE+tfnu\t'.charCodeAt(Math.floor(r() * 20));
      } else if (kind === 2) {
        const ins = Buffer.from(INSERTS[Math.floor(r() * INSERTS.length)]!);
        mut = Buffer.concat([src.subarray(0, pos), ins, src.subarray(pos)]);
      } else if (kind === 3) {
        mut = Buffer.concat([src.subarray(0, pos), src.subarray(pos + 1)]);
      } else if (kind === 4) {
        const s = src.toString();
        const j = s.lastIndexOf('}');
        mut = Buffer.from(r() < 0.5 && j > 0 ? s.slice(0, j) + ',' + s.slice(j) : s + ['x', ' ,', '{}', '0', ' \u0000'][Math.floor(r() * 5)]);
      } else {
        const s = src.toString();
        mut = Buffer.from(s.replace(/(\d)/, r() < 0.5 ? '0$1' : '$1.').replace(/\\(.)/, r() < 0.5 ? '\\q' : '\\$1'));
      }
      total++;
      if (!check(mut)) invalid++;
    }
    expect(total).toBe(N);
    expect(invalid).toBeGreaterThan(2000);
    expect(total - invalid).toBeGreaterThan(400);
  });

  it('with the request-line shortcut disabled, the indexer alone agrees on real lines and their mutations', () => {
    _setRequestShortcut(false);
    try {
      const r = rng(99);
      for (const line of REAL) {
        const buf = Buffer.from(line);
        expect(check(buf)).toBe(true);
        if (r() < 0.3) {
          for (let k = 0; k < 5; k++) check(buf, 0, Math.floor(r() * buf.length));
          const mut = Buffer.from(buf);
          mut[Math.floor(r() * mut.length)] = Math.floor(r() * 256);
          check(mut);
          const mut2 = Buffer.from(buf);
          mut2[Math.floor(r() * mut2.length)] = '{}[]":,\\ 0-.eE+tfnu\t'.charCodeAt(Math.floor(r() * 20));
          check(mut2);
        }
      }
    } finally {
      _setRequestShortcut(true);
    }
  });

  it('ran a meaningful number of comparisons', () => {
    expect(checked).toBeGreaterThan(20000);
  });
});

describe('parseVaultEntry: worker threads', () => {
  it('instantiates its own wasm instance in a worker (compiled dist module)', async () => {
    const url = new URL('../dist/src/ingest/json-index.js', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then((m) => {
        const b = Buffer.from('{"type":"response","response":{"auth":{"x":1},"data":{"y":2}}}');
        parentPort.postMessage(m.parseVaultEntry(b, 0, b.length));
      });`;
    const w = new Worker(code, { eval: true });
    const msg = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(msg).toStrictEqual({ type: 'response', response: { auth: { x: 1 } } });
  });
});
