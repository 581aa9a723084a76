import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, it, expect } from 'vitest';
import { _setStringScanMode, compileSelection, selectJson, type Selection } from '../src/ingest/json-select.js';

// ---------------------------------------------------------------------------------------------
// Reference semantics

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function project(v: unknown, sel: Selection): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (!Object.prototype.hasOwnProperty.call(sel, k)) continue;
    const s = sel[k]!;
    const val = v[k];
    const pv = s === true || !isPlainObject(val) ? val : project(val, s);
    Object.defineProperty(out, k, { value: pv, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

type Ref = { ok: true; value: unknown } | { ok: false };
function reference(buf: Buffer, start: number, end: number, sel: Selection): Ref {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return { ok: false };
  }
  return { ok: true, value: project(parsed, sel) };
}

const VAULT_SEL: Selection = {
  time: true,
  type: true,
  error: true,
  client_certificate_serial_number: true,
  auth: {
    client_token: true,
    accessor: true,
    display_name: true,
    policies: true,
    token_policies: true,
    entity_id: true,
    policy_results: true,
    token_issue_time: true,
  },
  request: {
    client_id: true,
    client_token: true,
    client_token_accessor: true,
    namespace: true,
    path: true,
    mount_point: true,
    mount_type: true,
    mount_accessor: true,
    client_certificate_serial_number: true,
  },
  response: { auth: true, mount_type: true, mount_accessor: true, wrap_info: true },
};
const VAULT = compileSelection(VAULT_SEL);

/** Extra selection exercising deeper nesting, __proto__, non-ASCII and escaped keys. */
const ODD_SEL: Selection = {
  ['__proto__']: true,
  'é': true,
  '😀': { a: true },
  'q"k': true,
  'b\\s': true,
  '': true,
  '1': true,
  a: { b: { c: true, ['__proto__']: true }, d: true },
  type: { x: true },
};
const ODD = compileSelection(ODD_SEL);

const SELS: [string, Selection, ReturnType<typeof compileSelection>][] = [
  ['vault', VAULT_SEL, VAULT],
  ['odd', ODD_SEL, ODD],
];

let checked = 0;
/** Asserts equivalence for buf[start, end) under every selection; returns whether JSON.parse accepts it. */
function check(buf: Buffer, start = 0, end = buf.length, sels = SELS): boolean {
  let ok = false;
  for (const [name, sel, compiled] of sels) {
    const want = reference(buf, start, end, sel);
    const got = selectJson(buf, start, end, compiled);
    checked++;
    if (got.ok !== want.ok) {
      throw new Error(
        `[${name}] ok mismatch: selectJson ok=${got.ok}, JSON.parse ok=${want.ok} for ${JSON.stringify(buf.toString('utf8', start, end).slice(0, 400))}`,
      );
    }
    if (want.ok && got.ok) {
      // Node's strict deep equality (prototypes, own props, Object.is on leaves) plus property order via
      // JSON.stringify. (vitest's toStrictEqual compares `.constructor`, which misfires on parsed objects that
      // have an own "constructor" key holding an object; it is used below on the real corpus.)
      if (!isDeepStrictEqual(got.value, want.value) || JSON.stringify(got.value) !== JSON.stringify(want.value)) {
        expect(got.value, `[${name}] ${buf.toString('utf8', start, end).slice(0, 300)}`).toStrictEqual(want.value);
        expect.fail(`[${name}] values differ (order or strict equality) for ${buf.toString('utf8', start, end).slice(0, 300)}`);
      }
    }
    ok = want.ok;
  }
  return ok;
}
const VAULT_ONLY = SELS.slice(0, 1);
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
  for (const f of ['fixtures/real/vault-public-samples.jsonl', 'fixtures/vault/audit.log']) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const i = line.indexOf('{');
      if (i >= 0) out.push(line.slice(i));
    }
  }
  return out;
}
const REAL = realLines();

/** Random JSON text generator with control over whitespace, escapes, key choice. */
function makeGen(r: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ws = (): string => (r() < 0.6 ? '' : pick([' ', '\t', '\n', '\r', '  ', ' \r\n\t ']));
  const KEYS = [
    'time', 'type', 'error', 'auth', 'request', 'response', 'data', 'headers', 'client_token', 'accessor',
    'display_name', 'policies', 'token_policies', 'entity_id', 'policy_results', 'token_issue_time', 'client_id',
    'namespace', 'path', 'mount_point', 'mount_type', 'mount_accessor', 'wrap_info', 'client_token_accessor',
    'client_certificate_serial_number', '__proto__', 'é', '😀', 'q"k', 'b\\s', '', '1', 'a', 'b', 'c', 'd', 'x',
    'typ', 'typee', 'Type', 'constructor', 'toString', 'hasOwnProperty',
  ];
  /** Encode a key/string with random escaping choices. */
  const enc = (s: string): string => {
    let out = '"';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      const roll = r();
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (cp < 0x20) out += roll < 0.5 ? JSON.stringify(ch).slice(1, -1) : '\\u' + cp.toString(16).padStart(4, '0');
      else if (roll < 0.1) {
        // \u escape(s), mixed case hex
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
      '1e400', '-1e400', '123456789012345678901234567890', '4.9e-324', '0e0', '9007199254740993',
    ]);
  const key = (): string => (r() < 0.9 ? enc(pick(KEYS)) : enc(pick(STRS)));
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
    const n = Math.floor(r() * 7);
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

describe('selectJson: real Vault lines', () => {
  it('has a corpus', () => {
    expect(REAL.length).toBeGreaterThanOrEqual(25);
  });
  it('matches project(JSON.parse(line)) on every real line', () => {
    for (const line of REAL) {
      expect(checkStr(line)).toBe(true);
      const buf = Buffer.from(line);
      expect(selectJson(buf, 0, buf.length, VAULT)).toStrictEqual(reference(buf, 0, buf.length, VAULT_SEL));
    }
  });
  it('actually keeps data and drops unselected subtrees', () => {
    const line = REAL[0]!;
    const got = selectJson(Buffer.from(line), 0, Buffer.byteLength(line), VAULT);
    expect(got.ok).toBe(true);
    const v = (got as { value: Record<string, Record<string, unknown>> }).value;
    expect(v['time']).toBe('2020-12-01T20:29:04.356625452Z');
    expect(v['auth']!['client_token']).toMatch(/^hmac-sha256:/);
    expect(v['auth']!['metadata']).toBeUndefined();
    expect(v['request']!['data']).toBeUndefined();
    expect(v['request']!['namespace']).toEqual({ id: 'root' });
  });
  it('works on a line inside a larger buffer (start/end honoured, no read past end)', () => {
    const all = Buffer.from(REAL.join('\n') + '\n');
    let s = 0;
    for (const line of REAL) {
      const e = s + Buffer.byteLength(line);
      expect(check(all, s, e)).toBe(true);
      // Truncations inside a larger buffer must fail even though the following bytes would complete the value.
      expect(selectJson(all, s, e - 1, VAULT).ok).toBe(false);
      s = e + 1;
    }
    // Uint8Array (non-Buffer) input with a byteOffset
    const u8 = new Uint8Array(all.buffer, all.byteOffset + 0, all.length);
    const plain = new Uint8Array(u8.length + 3);
    plain.set(u8, 3);
    const view = plain.subarray(3);
    const first = Buffer.byteLength(REAL[0]!);
    const got = selectJson(view, 0, first, VAULT);
    expect(got).toStrictEqual(reference(all, 0, first, VAULT_SEL));
  });
});

describe('selectJson: hand-written adversarial cases', () => {
  const cases: string[] = [
    // selected keys nested inside unselected subtrees
    '{"request":{"data":{"type":"x","auth":{"client_token":"t"},"path":"p"},"path":"real"}}',
    '{"response":{"data":{"auth":{"client_token":"no"}},"auth":{"client_token":"yes"}}}',
    '{"data":{"time":1,"type":2},"time":3}',
    // escapes in keys and strings
    '{"ty\\u0070e":"escaped key","t\\u0069me":"x"}',
    '{"\\u0074\\u0079\\u0070\\u0065":1}',
    '{"TY\\u0050E":1,"typ\\u0065 ":2}',
    '{"type":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"}',
    '{"q\\"k":1,"b\\\\s":2,"\\u00e9":3,"\\ud83d\\ude00":{"a":4,"b":5}}',
    '{"é":"raw","😀":{"a":1,"z":2}}',
    '{"data":"\\\\","type":"\\\\\\""}',
    '{"x":"\\"}","type":1}',
    // lone surrogates
    '{"type":"\\uD800","time":"\\udc00x","error":"\\uDBFF\\uDFFF"}',
    '{"\\ud800":1,"type":"\\ud800"}',
    // duplicate keys: last wins, mixed kinds
    '{"type":1,"type":2}',
    '{"auth":{"client_token":"a"},"auth":"str"}',
    '{"auth":"str","auth":{"client_token":"b","x":1}}',
    '{"auth":{"client_token":"a","accessor":"x"},"auth":{"client_token":"b"}}',
    '{"auth":{"client_token":"a","client_token":"b","client_token":null}}',
    '{"type":{"x":1},"ty\\u0070e":[1]}',
    // __proto__
    '{"__proto__":{"polluted":true},"type":1}',
    '{"__proto__":1,"__proto__":2}',
    '{"a":{"b":{"__proto__":[1],"c":2,"d":3}}}',
    '{"\\u005f_proto__":"x"}',
    '{"constructor":1,"toString":2,"hasOwnProperty":3}',
    // non-object values at selected object paths
    '{"auth":null,"request":[1,{"path":2}],"response":"s"}',
    '{"auth":[],"request":0,"response":true}',
    '{"a":{"b":[{"c":1}],"d":{}}}',
    // whitespace everywhere
    ' \t\r\n{ \t\r\n"type" \t\r\n: \t\r\n"x" \t\r\n, \n"auth"\n:\n{\n"client_token"\n:\n[ 1 , 2 ]\n}\n}\n\r\t ',
    // empty containers and numbers
    '{}',
    '{"type":{},"auth":{},"request":[],"response":{"auth":{}}}',
    '{"x":[[[],{}],{"a":[]}],"type":[[]]}',
    '{"type":[0,-0,1.5,-1.5e10,1E-5,1e+5,0.0,123456789012345678901234567890,1e400]}',
    '{"time":-0}',
    '{"1":1,"0":0,"type":2,"10":10}',
    '{"":1,"a":{"":2}}',
    // top-level non-objects (valid)
    '1',
    ' -0.5e-3 ',
    '"str"',
    '"\\ud800"',
    'null',
    'true',
    'false',
    '[1,{"type":2}]',
    '[]',
    // invalid
    '',
    '   ',
    '{',
    '}',
    '{"type":1,}',
    '{"type":1,,"a":2}',
    '[1,]',
    '{"type":01}',
    '{"type":-}',
    '{"type":1.}',
    '{"type":.5}',
    '{"type":1e}',
    '{"type":1e+}',
    '{"type":+1}',
    '{"type":0x1}',
    '{"type":"\\x"}',
    '{"type":"\\u12"}',
    '{"type":"\\u12G4"}',
    '{"type":"\\U1234"}',
    '{"type":"\\\'"}',
    '{"type":"a\tb"}',
    '{"type":"a\u0000b"}',
    '{"type":"a\u001fb"}',
    '{"type":"a\u007fb"}',
    '{"type":tru}',
    '{"type":nul}',
    '{"type":True}',
    '{"type":NaN}',
    '{"type":Infinity}',
    '{"type":undefined}',
    "{'type':1}",
    '{type:1}',
    '{"type" 1}',
    '{"type"::1}',
    '{"type":1}x',
    '{"type":1}{}',
    '{"type":1} 1',
    '\u00a0{}',
    '\ufeff{}',
    '{}\u000b',
    '{}\f',
    '{"a":[1 2]}',
    '{"a":{"b":1 "c":2}}',
    '{"a":1 "b":2}',
    '[1}',
    '{"a":]',
    '{"a":1]',
    '{"\\ud800":1',
  ];
  it(`${cases.length} cases match JSON.parse`, () => {
    for (const c of cases) checkStr(c);
  });
  it('does not keep __proto__ as prototype', () => {
    const buf = Buffer.from('{"__proto__":{"polluted":true},"type":1}');
    const got = selectJson(buf, 0, buf.length, ODD) as { ok: true; value: Record<string, unknown> };
    expect(Object.getPrototypeOf(got.value)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(got.value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('keeps property order like JSON.parse with duplicates', () => {
    const buf = Buffer.from('{"type":1,"time":2,"type":3}');
    const got = selectJson(buf, 0, buf.length, VAULT) as { ok: true; value: Record<string, unknown> };
    expect(Object.keys(got.value)).toEqual(Object.keys(JSON.parse(buf.toString()) as object));
    expect(got.value).toStrictEqual({ type: 3, time: 2 });
  });
  it('handles deep nesting (iterative skip) in skipped and kept subtrees', () => {
    for (const d of [1000, 20000, 100000]) {
      checkStr('{"data":' + '['.repeat(d) + ']'.repeat(d) + ',"type":1}');
      checkStr('{"data":' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + ',"type":1}');
      checkStr('{"data":' + '['.repeat(d) + ']'.repeat(d - 1) + ',"type":1}');
      checkStr('{"data":' + '[{"x":'.repeat(d) + 'null' + '}]'.repeat(d) + '}');
    }
    checkStr('{"type":' + '['.repeat(200) + ']'.repeat(200) + '}');
    // kept deep value: equality helpers recurse, so walk it iteratively
    const d = 50000;
    const buf = Buffer.from('{"type":' + '[{"a":'.repeat(d) + '7' + '}]'.repeat(d) + '}');
    const got = selectJson(buf, 0, buf.length, VAULT) as { ok: true; value: { type: unknown } };
    expect(got.ok).toBe(true);
    let v: unknown = got.value.type;
    for (let i = 0; i < d; i++) v = ((v as unknown[])[0] as { a: unknown }).a;
    expect(v).toBe(7);
  });
  it('handles huge strings', () => {
    const big = 'h'.repeat(1 << 20);
    checkStr(`{"data":"${big}","type":"${big.slice(0, 1000)}"}`);
    checkStr(`{"data":"${big}\\"${big}","type":1}`);
    checkStr(`{"data":"${big}`);
  });
  it('accepts invalid UTF-8 (decoded as U+FFFD by JSON.parse) and handles it in keys', () => {
    const parts = [
      Buffer.from('{"type":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","\u00e9'), Buffer.from([0x80]),
      Buffer.from('":1,"'), Buffer.from([0xef, 0xbf]), Buffer.from('":2,"time":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}'),
    ];
    check(Buffer.concat(parts));
    // key that decodes to U+FFFD must match a selection key "\uFFFD"
    const sel: Selection = { '\uFFFD': true, 'a\uFFFDb': { x: true } };
    const c = compileSelection(sel);
    for (const bytes of [[0xff], [0xef, 0xbf, 0xbd], [0xc3], [0xf0, 0x9f, 0x98]]) {
      const buf = Buffer.concat([Buffer.from('{"'), Buffer.from(bytes), Buffer.from('":7,"a'), Buffer.from(bytes), Buffer.from('b":{"x":1,"y":2}}')]);
      expect(selectJson(buf, 0, buf.length, c)).toStrictEqual(reference(buf, 0, buf.length, sel));
    }
  });
});

describe('selectJson: generated corpora', () => {
  const GEN = adversarialLines(800, 0xc0ffee);

  it('generated adversarial lines are valid and match', () => {
    let valid = 0;
    for (const line of GEN) if (checkStr(line)) valid++;
    // the generator only emits valid JSON
    expect(valid).toBe(GEN.length);
  });

  it('every truncation of real lines (and a sample of generated lines) matches', () => {
    const lines = [...REAL, ...GEN.filter((l) => l.length < 300).slice(0, 40)];
    for (const line of lines) {
      const buf = Buffer.from(line);
      // sliced inside the full buffer, so bytes past `end` exist and must be ignored
      for (let e = 0; e < buf.length; e++) check(buf, 0, e, VAULT_ONLY);
      for (let s = 1; s < Math.min(buf.length, 40); s++) check(buf, s, buf.length, VAULT_ONLY);
    }
  });

  it('random mutations: ok:false exactly when JSON.parse throws', () => {
    const r = rng(42);
    const pool = [...REAL, ...GEN];
    const INSERTS = [
      ',', ',,', '}', ']', '{', '[', '"', '\\', ':', '0', '01', '-', '.', 'e', '+', ' ', '\u0000', '\u0001', '\u001f',
      '\t', '\n', '\u00a0', '\u2028', 'x', 'true', 'nul', '\\u', '\\uZZZZ', '\\x', '\\u00e9', '"a":1', ',"type":1',
      '[]', '{}', '\ufeff', '\u000b', '\f',
    ];
    let invalid = 0;
    let total = 0;
    for (let i = 0; i < 4000; i++) {
      const src = Buffer.from(pool[Math.floor(r() * pool.length)]!);
      const pos = Math.floor(r() * (src.length + 1));
      const kind = Math.floor(r() * 6);
      let mut: Buffer;
      if (kind === 0) {
        // flip a random byte to a random value
        mut = Buffer.from(src);
        if (mut.length > 0) mut[Math.min(pos, mut.length - 1)] = Math.floor(r() * 256);
      } else if (kind === 1) {
        // flip a byte to a structurally interesting ASCII char
        mut = Buffer.from(src);
        if (mut.length > 0) mut[Math.min(pos, mut.length - 1)] = '{}[]":,\\ 0-.eE+tfnu\t'.charCodeAt(Math.floor(r() * 20));
      } else if (kind === 2) {
        const ins = Buffer.from(INSERTS[Math.floor(r() * INSERTS.length)]!);
        mut = Buffer.concat([src.subarray(0, pos), ins, src.subarray(pos)]);
      } else if (kind === 3) {
        // delete a byte
        mut = Buffer.concat([src.subarray(0, pos), src.subarray(pos + 1)]);
      } else if (kind === 4) {
        // trailing comma before a closing bracket / trailing garbage
        const s = src.toString();
        const j = s.lastIndexOf('}');
        mut = Buffer.from(r() < 0.5 && j > 0 ? s.slice(0, j) + ',' + s.slice(j) : s + ['x', ' ,', '{}', '0', ' \u0000'][Math.floor(r() * 5)]);
      } else {
        // leading zeros / broken numbers / bad escapes in place of a digit or backslash
        const s = src.toString();
        mut = Buffer.from(s.replace(/(\d)/, r() < 0.5 ? '0$1' : '$1.').replace(/\\(.)/, r() < 0.5 ? '\\q' : '\\$1'));
      }
      total++;
      if (!check(mut)) invalid++;
    }
    expect(total).toBe(4000);
    // make sure the mutations really exercised both outcomes
    expect(invalid).toBeGreaterThan(1000);
    expect(total - invalid).toBeGreaterThan(200);
  });

  it('per-char string scanner (fast path disabled) agrees too', () => {
    _setStringScanMode(false);
    try {
      const r = rng(7);
      for (const line of [...REAL, ...GEN.slice(0, 300)]) {
        const buf = Buffer.from(line);
        check(buf);
        for (let k = 0; k < 10; k++) check(buf, 0, Math.floor(r() * buf.length), VAULT_ONLY);
        const mut = Buffer.from(buf);
        mut[Math.floor(r() * mut.length)] = Math.floor(r() * 128);
        check(mut);
      }
    } finally {
      _setStringScanMode(true);
    }
  });

  it('ran a meaningful number of comparisons', () => {
    expect(checked).toBeGreaterThan(10000);
  });
});

describe('compileSelection', () => {
  it('rejects malformed selections', () => {
    expect(() => compileSelection({ a: false } as unknown as Selection)).toThrow(TypeError);
    expect(() => compileSelection({ a: null } as unknown as Selection)).toThrow(TypeError);
  });
  it('empty selection keeps nothing but still validates', () => {
    const c = compileSelection({});
    const buf = Buffer.from('{"a":1,"b":{"c":[1,2]}}');
    expect(selectJson(buf, 0, buf.length, c)).toStrictEqual({ ok: true, value: {} });
    const bad = Buffer.from('{"a":1,"b":{"c":[1,2,]}}');
    expect(selectJson(bad, 0, bad.length, c)).toStrictEqual({ ok: false });
  });
});
