// The WebAssembly projector must return exactly what a full JSON.parse would, pruned to the shape:
// the same values at every shape path, and INVALID exactly when JSON.parse throws. Checked on every
// fixture line, on generated adversarial lines and on seeded random mutations of real lines.

import { describe, expect, it } from 'vitest';
import { INVALID, JsonProjector, LONG_LINE, type Shape } from '../../src/ingest/json-projection.js';
import { parseEventTime } from '../../src/ingest/time.js';
import { VAULT_ENTRY_SHAPE, VAULT_PER_LINE, VAULT_TIME } from '../../src/vault/entry-shape.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { ADVERSARIAL, dropUndefined, fixtureLines, reference } from '../helpers/projection-cases.js';

/** Projects `bytes` placed inside a larger buffer (as lines are) and compares with the reference. */
function check(projector: JsonProjector, shape: Shape, bytes: Buffer, label = ''): void {
  const buf = Buffer.concat([Buffer.from('xx\n'), bytes, Buffer.from('\n{"type":"next"}')]);
  const got = projector.project(buf, 3, 3 + bytes.length);
  const want = reference(bytes.toString('utf8'), shape);
  if (want === INVALID || got === INVALID) {
    expect(got === INVALID, `${label} validity of ${JSON.stringify(bytes.toString('latin1').slice(0, 300))}`).toBe(want === INVALID);
    return;
  }
  expect(dropUndefined(got), `${label} ${bytes.toString('latin1').slice(0, 300)}`).toStrictEqual(want);
  // The event time it parsed (Vault projectors), if any, is what parseEventTime makes of `time`.
  const time = projector.parsedTime();
  if (time !== null) expect(time, `${label} time`).toEqual(parseEventTime((want as { time: string }).time));
}

const DEEP_SHAPE: Shape = {
  a: { b: { c: { d: { e: { f: { g: true } } } } }, x: true },
  s: true,
  n: true,
  arr: true,
  o: { k: true, 'ü': true, '': true },
  __proto__x: true,
  constructor: true,
};

// As the Vault collector builds it (per-line paths included), so these tests cover what counting runs.
const vault = new JsonProjector(VAULT_ENTRY_SHAPE, { perLine: VAULT_PER_LINE, time: VAULT_TIME });
const deep = new JsonProjector(DEEP_SHAPE);

describe('json projection equals pruneToShape(JSON.parse) on every fixture line', () => {
  const lines = fixtureLines();
  it(`covers ${lines.length} lines`, () => {
    expect(lines.length).toBeGreaterThan(1000);
    for (const { file, line } of lines) check(vault, VAULT_ENTRY_SHAPE, line, file);
  });
  it('projects the fields the Vault collector reads', () => {
    const line = Buffer.from(JSON.stringify({
      time: '2025-01-01T00:00:00Z', type: 'request', extra: { type: 'nested decoy' },
      auth: { client_token: 'hmac-sha256:aa', policies: ['default', 'x'], policy_results: { allowed: false, granting_policies: [] }, metadata: { a: 'b' } },
      request: { path: 'secret/data/x', namespace: { id: 'root' }, data: { type: 'decoy', client_token: 'decoy' } },
    }));
    const v = vault.project(line, 0, line.length) as any;
    expect(v.type).toBe('request');
    expect(v.auth.policies).toEqual(['default', 'x']);
    expect(v.auth.policy_results).toEqual({ allowed: false });
    expect(v.auth.metadata).toBeUndefined();
    expect(v.request.data).toBeUndefined();
    expect(v.request.namespace).toEqual({ id: 'root' });
    expect(v.extra).toBeUndefined();
  });
});

describe('json projection equals pruneToShape(JSON.parse) on adversarial lines', () => {
  it('agrees on every case, for the Vault shape and a deep synthetic shape', () => {
    for (const text of ADVERSARIAL) {
      check(vault, VAULT_ENTRY_SHAPE, Buffer.from(text, 'utf8'), 'vault');
      check(deep, DEEP_SHAPE, Buffer.from(text, 'utf8'), 'deep');
    }
  });
  it('treats invalid UTF-8 like JSON.parse of the decoded text (U+FFFD), inside and outside strings', () => {
    const cases = [
      Buffer.concat([Buffer.from('{"s":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('","type":"t"}')]),
      Buffer.concat([Buffer.from('{"o":{"k":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}}')]),
      Buffer.concat([Buffer.from('{"s":"x"'), Buffer.from([0xc3]), Buffer.from('}')]),
      Buffer.concat([Buffer.from('{"'), Buffer.from([0xf0, 0x9f]), Buffer.from('":1,"s":"y"}')]),
      Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ];
    for (const c of cases) {
      check(vault, VAULT_ENTRY_SHAPE, c, 'vault');
      check(deep, DEEP_SHAPE, c, 'deep');
    }
  });
  it('a line above the wasm limit takes the JSON.parse path with the same result', () => {
    const small = new JsonProjector(DEEP_SHAPE, { maxWasmLine: 16 });
    for (const text of ['{"s":"a string longer than sixteen bytes","n":1}', '{"s":"x"', '{"s":"x"}']) {
      check(small, DEEP_SHAPE, Buffer.from(text), 'small limit');
    }
  });
  it('projects a line over LONG_LINE with a projector of its own: same result, its own memory unchanged', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    const shared = '{"s":"hmac-sha256:shared-before-and-after","arr":["x"]}';
    const before = p.project(Buffer.from(shared), 0, shared.length) as Record<string, unknown>;
    const memory = p.wasmMemoryBytes;
    const big = JSON.stringify({ s: 'x'.repeat(LONG_LINE + 10), a: { x: ['y'.repeat(100_000)] }, n: 7, o: { k: 'kk' } });
    check(p, DEEP_SHAPE, Buffer.from(big), 'big');
    check(p, DEEP_SHAPE, Buffer.from(big.slice(0, -1)), 'big, invalid');
    check(p, DEEP_SHAPE, Buffer.from(`{"s":"${'a'.repeat(LONG_LINE)}","s":"last wins"}`), 'big, repeated key');
    expect(p.wasmMemoryBytes).toBe(memory);
    check(p, DEEP_SHAPE, Buffer.from('{"s":"small again","n":[1]}'), 'after big');
    check(p, DEEP_SHAPE, Buffer.from('{"s":"small again","n":[1]'), 'after big, invalid');
    // The intern store is untouched by the long line: a repeated value is still the same string.
    const after = p.project(Buffer.from(shared), 0, shared.length) as Record<string, unknown>;
    expect(after.s).toBe(before.s);
    expect(after.arr).toBe(before.arr);
  });
  it('grows its memory for lines up to LONG_LINE and stays correct afterwards', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    const memory = p.wasmMemoryBytes;
    const big = JSON.stringify({ s: 'x'.repeat(LONG_LINE - 200_000), a: { x: ['y'.repeat(100_000)] }, n: 7 });
    check(p, DEEP_SHAPE, Buffer.from(big), 'big');
    expect(p.wasmMemoryBytes).toBeGreaterThan(memory);
    check(p, DEEP_SHAPE, Buffer.from('{"s":"small again","n":[1]}'), 'after big');
    check(p, DEEP_SHAPE, Buffer.from('{"s":"small again","n":[1]'), 'after big, invalid');
  });
  it('tells apart keys that share a bucket of its key index (length mod 64, first and last byte) or are prefixes', () => {
    // "kzzzzQ" is the first 6 bytes of the 70-byte shape key and falls in its bucket; "kzzzQ" and
    // "kzzzzzQ" are near misses; time/type share a bucket of the Vault shape's top level.
    const long = `kzzzzQ${'w'.repeat(63)}Q`;
    const shape: Shape = { [long]: true, kQ: { [long]: true }, time: true, type: true };
    const p = new JsonProjector(shape);
    for (const text of [
      `{"kzzzzQ":1,"${long}":2}`, `{"${long}":3,"kzzzzQ":4}`, '{"kzzzzQ":{"a":1},"kzzzQ":2,"kzzzzzQ":3}',
      `{"kQ":{"kzzzzQ":5,"${long}":6,"${long.slice(0, -1)}":7}}`, '{"tyme":1,"tipe":2,"time":3,"type":4,"timetype":5}',
    ]) check(p, shape, Buffer.from(text), 'key index');
  });

  it('refuses shapes it cannot honour', () => {
    expect(() => new JsonProjector({ 'a"b': true })).toThrow(/escaping/);
    const tooDeep: Shape = { a: { b: { c: { d: { e: { f: { g: { h: { i: true } } } } } } } } };
    expect(() => new JsonProjector(tooDeep)).toThrow(/deeper/);
  });
});

describe('json projection equals pruneToShape(JSON.parse) on seeded mutations of real lines', () => {
  // Mutations that break or bend JSON where it is subtle: structural bytes, quotes, escapes,
  // digits, whitespace, non-ASCII bytes, and cut lines.
  const ALPHABET = Buffer.from('{}[]:,"\\ \t\r0123456789-+.eEtrufalsn/u\u00fc', 'utf8');
  const sources = fixtureLines().filter((l) => l.line.length < 4000).map((l) => l.line);
  it('agrees on 20,000 mutants', () => {
    const rnd = mulberry32(20261123);
    const pick = (n: number): number => Math.floor(rnd() * n);
    for (let i = 0; i < 20_000; i++) {
      let b = Buffer.from(sources[pick(sources.length)]!);
      const edits = 1 + pick(3);
      for (let k = 0; k < edits; k++) {
        const at = pick(b.length + 1);
        switch (pick(6)) {
          case 0: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(4)))]); break;
          case 1: b = Buffer.concat([b.subarray(0, at), ALPHABET.subarray(pick(ALPHABET.length)).subarray(0, 1), b.subarray(at)]); break;
          case 2: if (at < b.length) b[at] = ALPHABET[pick(ALPHABET.length)]!; break;
          case 3: b = b.subarray(0, at); break;
          case 4: { // duplicate a slice (repeated keys, doubled values)
            const len = pick(40);
            b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
            break;
          }
          default: if (at < b.length) b[at] = 0x80 + pick(0x80);
        }
      }
      check(vault, VAULT_ENTRY_SHAPE, b, `mutant ${i}`);
    }
  });
});

describe('json projection of lines read into its own memory (readBuffers)', () => {
  it('projects them in place exactly as copied lines, leaves every byte of the buffer as it was, never grows', () => {
    const inPlace = new JsonProjector(VAULT_ENTRY_SHAPE, { perLine: VAULT_PER_LINE });
    const [a, b] = inPlace.readBuffers(2, 64 * 1024);
    const memory = inPlace.wasmMemoryBytes;
    const texts = [...fixtureLines().map((l) => l.line), ...ADVERSARIAL.map((t) => Buffer.from(t, 'utf8'))]
      .filter((l) => l.length < 16 * 1024);
    // Back to back as a reader leaves them, alternating buffers; the last line of a buffer ends at its
    // very end, so the sentinel and the read past it fall in the padding after the buffer.
    let buf = a!;
    let at = 0;
    let checked = 0;
    for (let i = 0; i < texts.length; i++) {
      const line = texts[i]!;
      if (at + line.length + 1 > buf.length) {
        buf = buf === a ? b! : a!;
        at = 0;
      }
      const atEnd = i % 97 === 0;
      const start = atEnd ? buf.length - line.length : at;
      buf.fill(0x41 + (i % 26));
      line.copy(buf, start);
      if (!atEnd) buf[start + line.length] = 10;
      const before = Buffer.from(buf);
      const got = inPlace.project(buf, start, start + line.length);
      expect(buf.equals(before), `line ${i}: buffer unchanged`).toBe(true);
      const want = reference(line.toString('utf8'), VAULT_ENTRY_SHAPE);
      if (want === INVALID || got === INVALID) expect(got === INVALID, `line ${i} validity`).toBe(want === INVALID);
      else expect(dropUndefined(got), `line ${i}`).toStrictEqual(want);
      at = atEnd ? 0 : start + line.length + 1;
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    // A copied line up to LONG_LINE fits the memory reserved when the buffers were lent.
    check(inPlace, VAULT_ENTRY_SHAPE, Buffer.from(JSON.stringify({ type: 'x'.repeat(LONG_LINE - 100), time: 't' })), 'long copied');
    expect(inPlace.wasmMemoryBytes).toBe(memory);
    expect(() => inPlace.readBuffers(2, 1024)).toThrow(/already lent/);
  });
});

describe('json projection interns repeated values across lines', () => {
  const project = (p: JsonProjector, text: string): Record<string, unknown> => {
    const v = p.project(Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text));
    expect(v).not.toBe(INVALID);
    return v as Record<string, unknown>;
  };
  it('returns the same string for a value repeated on later lines, and frozen shared arrays', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    const a = project(p, '{"s":"hmac-sha256:0123456789abcdef0123456789","arr":["x","y"]}');
    project(p, '{"s":"something else"}');
    const b = project(p, '{"n":1,"s":"hmac-sha256:0123456789abcdef0123456789","arr":["x","y"]}');
    expect(b.s).toBe(a.s);
    expect(b.arr).toBe(a.arr);
    expect(Object.isFrozen(b.arr)).toBe(true);
    expect(() => (b.arr as string[]).push('z')).toThrow(TypeError);
  });
  it('keeps values of equal bytes but different JSON apart (string "true" vs true, "1" vs 1, escapes)', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    const lines = ['{"s":"true"}', '{"s":true}', '{"s":"1"}', '{"s":1}', '{"s":"a\\u0062"}', '{"s":"ab"}',
      '{"s":"null"}', '{"s":null}', '{"s":"[1]"}', '{"s":[1]}', '{"s":"ü"}', '{"s":"\\u00fc"}', '{"s":"true"}', '{"s":true}'];
    for (let round = 0; round < 2; round++) {
      for (const text of lines) check(p, DEEP_SHAPE, Buffer.from(text, 'utf8'), `round ${round}`);
    }
  });
  it('stays exact when its store fills and is emptied (200,000 distinct values, then repeats)', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    const rnd = mulberry32(7);
    for (let i = 0; i < 200_000; i++) {
      const id = i < 150_000 ? i : Math.floor(rnd() * 150_000);
      const text = `{"s":"token-${id}-${'x'.repeat(id % 40)}","o":{"k":"k${id % 1000}"},"n":${id % 7}}`;
      const got = project(p, text);
      const want = JSON.parse(text) as { s: string; o: { k: string }; n: number };
      if (got.s !== want.s || (got.o as { k: string }).k !== want.o.k || got.n !== want.n) {
        expect(dropUndefined(got), `line ${i}`).toStrictEqual(want);
      }
    }
  });
  it('decodes values longer than the intern limit and non-ASCII values on every line', () => {
    const p = new JsonProjector(DEEP_SHAPE);
    for (const text of [`{"s":"${'L'.repeat(600)}"}`, `{"s":"${'L'.repeat(600)}"}`, '{"s":"naïve ✓"}', '{"s":"naïve ✓"}',
      `{"arr":[${'1,'.repeat(400)}2]}`, `{"arr":[${'1,'.repeat(400)}2]}`]) {
      check(p, DEEP_SHAPE, Buffer.from(text, 'utf8'), 'long or non-ASCII');
    }
  });
  it('decodes perLine paths per line and refuses paths outside the shape', () => {
    const p = new JsonProjector(DEEP_SHAPE, { perLine: [['s'], ['a', 'x']] });
    for (let i = 0; i < 3; i++) check(p, DEEP_SHAPE, Buffer.from(`{"s":"t${i}","a":{"x":"same"}}`), 'perLine');
    for (const text of [`{"s":"${'p'.repeat(700)}","a":{"x":[${'7,'.repeat(300)}1]}}`, '{"s":"t\\u00e9","a":{"x":"ü"}}', '{"s":true,"a":{"x":null}}']) {
      check(p, DEEP_SHAPE, Buffer.from(text, 'utf8'), 'perLine long, escaped, non-ASCII, literal');
    }
    expect(() => new JsonProjector(DEEP_SHAPE, { perLine: [['nope']] })).toThrow(/not in the shape/);
    expect(() => new JsonProjector(DEEP_SHAPE, { perLine: [['s', 'deeper']] })).toThrow(/not in the shape/);
  });
});

describe('event time parsed by the projector (ProjectorOptions.time) equals parseEventTime', () => {
  const p = new JsonProjector(VAULT_ENTRY_SHAPE, { perLine: VAULT_PER_LINE, time: VAULT_TIME });
  /** parsedTime() after projecting a line whose time is the JSON text `timeJson`. */
  const parsed = (timeJson: string, rest = ''): ReturnType<JsonProjector['parsedTime']> => {
    const line = Buffer.from(`{"type":"request","time":${timeJson}${rest}}`);
    expect(p.project(line, 0, line.length)).not.toBe(INVALID);
    return p.parsedTime();
  };
  // Vault's form, which the wasm must parse (anything else it may leave to parseEventTime).
  const VAULT_FORM = /^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

  it('agrees on 60,000 seeded times, valid and not, and parses every valid one of Vault\'s form', () => {
    const rnd = mulberry32(20261207);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const num = (n: number, width: number): string => String(n).padStart(width, '0');
    let fast = 0;
    for (let i = 0; i < 60_000; i++) {
      const year = [pick(10_000), 1000 + pick(1100), 1900 + pick(200), pick(100), 100 + pick(900)][pick(5)]!;
      const valid = pick(3) > 0;
      const month = valid ? 1 + pick(12) : pick(14);
      const day = valid ? 1 + pick(28) : [29, 30, 31, 0, 32][pick(5)]!;
      const hour = valid ? pick(24) : pick(26);
      const minute = valid ? pick(60) : pick(62);
      const second = valid ? pick(61) : pick(62);
      const digits = pick(11);
      const frac = digits === 0 ? '' : '.' + num(pick(10 ** Math.min(digits, 9)), digits);
      const sep = ['T', 'T', 'T', 't', ' '][pick(5)]!;
      const zone = ['Z', 'Z', 'Z', 'Z', 'z', '+08:00', '-0330', ''][pick(8)]!;
      let text = `${num(year, 4)}-${num(month, 2)}-${num(day, 2)}${sep}${num(hour, 2)}:${num(minute, 2)}:${num(second, 2)}${frac}${zone}`;
      if (pick(20) === 0) {
        const at = pick(text.length);
        text = text.slice(0, at) + String.fromCharCode(0x20 + pick(95)) + text.slice(at + 1);
      }
      const want = parseEventTime(text);
      const got = parsed(JSON.stringify(text));
      if (got !== null) expect(got, text).toEqual(want);
      const form = VAULT_FORM.exec(text);
      if (want !== null && form !== null && Number(form[1]) >= 1000) {
        expect(got, `${text} is Vault's form: the wasm parses it`).not.toBeNull();
        fast++;
      }
    }
    expect(fast).toBeGreaterThan(5_000);
  });

  it('checks the calendar (leap years, month lengths), leap seconds and nanoseconds', () => {
    for (const text of ['2024-02-29T00:00:00Z', '2000-02-29T23:59:59.999999999Z', '2023-02-28T12:00:00Z', '1900-02-28T00:00:00Z',
      '2025-04-30T00:00:00Z', '2025-12-31T23:59:60Z', '1969-12-31T23:59:59.000000001Z', '1000-01-01T00:00:00Z', '9999-12-31T23:59:60.999999999Z',
      '2025-01-01T00:00:23.283396428Z', '2025-01-01T00:00:23.1Z']) {
      expect(parsed(JSON.stringify(text)), text).toEqual(parseEventTime(text));
      expect(parsed(JSON.stringify(text)), text).not.toBeNull();
    }
    for (const text of ['2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z',
      '2025-01-01T00:00:61Z', '2025-01-01T00:00:00.Z', '2025-01-01T00:00:00.1234567890Z', '0099-01-01T00:00:00Z']) {
      expect(parsed(JSON.stringify(text)), text).toBeNull();
    }
  });

  it('leaves other values to the caller: escapes, numbers, objects, no time; a repeated key counts its last value', () => {
    expect(parsed('"2025-01-01T00:00:00\\u005a"')).toBeNull(); // an escaped Z: JSON.parse decodes it, the wasm does not
    expect(parsed('1735689600')).toBeNull();
    expect(parsed('{"t":"2025-01-01T00:00:00Z"}')).toBeNull();
    const line = Buffer.from('{"type":"request"}');
    p.project(line, 0, line.length);
    expect(p.parsedTime()).toBeNull();
    expect(parsed('"2025-01-01T00:00:00Z"', ',"time":"2025-02-01T00:00:00Z"')).toEqual(parseEventTime('2025-02-01T00:00:00Z'));
    // A line JSON.parse rejects leaves no time behind.
    const bad = Buffer.from('{"type":"request","time":"2025-01-01T00:00:00Z",}');
    expect(p.project(bad, 0, bad.length)).toBe(INVALID);
    expect(p.parsedTime()).toBeNull();
  });
});
