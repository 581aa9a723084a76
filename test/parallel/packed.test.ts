// The packed form of worker partials (src/parallel/packed.ts): unpacking must give what postMessage's
// structured clone gives, for every kind of plain data and for real Vault and Akeyless partials.

import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/ingest/inputs.js';
import { pack, unpack } from '../../src/parallel/packed.js';
import { planTasks } from '../../src/parallel/plan.js';
import { runTasks } from '../../src/parallel/pool.js';
import type { PlatformName, RunOptions } from '../../src/platform.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { REPO_ROOT } from '../helpers/cli.js';

const roundTrip = (v: unknown): unknown => unpack(pack(v));

/** Same as structured clone's result, compared strictly (key order, -0, NaN, undefined members). */
function expectLikeClone(v: unknown): void {
  const got = roundTrip(v);
  const want = structuredClone(v);
  expect(isDeepStrictEqual(got, want), JSON.stringify(v)?.slice(0, 200)).toBe(true);
  // isDeepStrictEqual ignores key order: compare it too.
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
}

async function partialOf(platform: PlatformName, file: string): Promise<unknown> {
  const { files } = expandInputs([`${REPO_ROOT}/${file}`]);
  const options: RunOptions = {
    platform, profile: 'vault-1.10', range: { from: null, to: null, fromText: null, toText: null },
    billingDay: 1, prefix: null, mergeHumans: false, quota: null,
  };
  let seq = 0;
  const source = (async function* () {
    for (const t of planTasks(files, 1, () => true)) yield { ...t, seq: seq++ };
  })();
  const { partials } = await runTasks(source, 1, options, () => {}, true);
  return partials[0];
}

describe('packed partials unpack to what structured clone gives', () => {
  it('keeps every kind of plain value: numbers at the edges, literals, empty containers', () => {
    for (const v of [null, undefined, true, false, 0, -0, 1, -1, 127, 128, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -(2 ** 53 - 1),
      2 ** 53, 2 ** 60, -(2 ** 60), 0.5, -1.25e-300, 1.7976931348623157e308, NaN, Infinity, -Infinity, '', [], {}]) {
      expectLikeClone(v);
      expect(Object.is(roundTrip(v), v) || (typeof v === 'object' && v !== null)).toBe(true);
    }
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip([-0])[0 as never], -0)).toBe(true);
  });
  it('keeps strings exactly: non-ASCII, astral, lone surrogates, NUL, a string past the chunk size', () => {
    const cases = ['ascii', 'naïve ✓', '😀', '\ud800', 'a\udc00b', '\u0000\u007f\u0080\u00ff\u0100', 'x'.repeat(3 << 20), '€'.repeat(700_000)];
    for (const s of cases) {
      expect(roundTrip(s)).toBe(s);
      expect(roundTrip({ k: s, again: s })).toStrictEqual({ k: s, again: s });
    }
  });
  it('keeps keys, their order and undefined members, including __proto__, NUL and integer-like keys', () => {
    expectLikeClone({ b: 1, a: undefined, 2: 'two', 1: 'one', 'x\u0000y': 3, 'x': { y: 4 } });
    expectLikeClone({ 'a\u0000b': 1 });
    expectLikeClone([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 2 }, { a: 1 }, { a: 1, b: 2, c: 3 }]);
    const proto = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as object;
    const got = roundTrip(proto) as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('reads own keys only: null-prototype objects, and an enumerable key added to Object.prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1, b: 'x' });
    expect(roundTrip([bare, { a: 1, b: 'x' }])).toStrictEqual([{ a: 1, b: 'x' }, { a: 1, b: 'x' }]);
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = 'inherited';
    try {
      const got = roundTrip([{ a: 1 }, { a: 2, b: 3 }, { a: 4 }]);
      expect(JSON.stringify(got)).toBe('[{"a":1},{"a":2,"b":3},{"a":4}]');
      expect(Object.keys((got as object[])[0]!)).toEqual(['a']);
    } finally {
      delete proto.injected;
    }
  });
  it('keeps a frozen object reached twice as one object, and copies an unfrozen one', () => {
    const frozen = Object.freeze(['p1', 'p2']);
    const plain = { a: 1 };
    const got = roundTrip({ x: frozen, y: frozen, z: [frozen], p: plain, q: plain }) as Record<string, unknown>;
    expect(got.x).toStrictEqual(['p1', 'p2']);
    expect(got.y).toBe(got.x);
    expect((got.z as unknown[])[0]).toBe(got.x);
    expect(got.q).toStrictEqual(got.p);
  });
  it('agrees on 2,000 seeded random trees, many of them spanning several chunks', () => {
    const rnd = mulberry32(20261123);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const keys = ['a', 'b', 'order', 'ms', 'token', '', '0', 'ü'];
    const leaf = (): unknown => {
      switch (pick(7)) {
        case 0: return pick(2 ** 31) * (pick(2) ? 1 : -1);
        case 1: return rnd() * 1e15;
        case 2: return 1.7e12 + pick(1e9);
        case 3: return `hmac-sha256:${pick(1e6).toString(16)}`;
        case 4: return String.fromCharCode(pick(0x10000), pick(0x80));
        case 5: return [null, true, false, undefined][pick(4)];
        default: return keys[pick(keys.length)];
      }
    };
    const tree = (depth: number): unknown => {
      if (depth === 0 || pick(3) === 0) return leaf();
      if (pick(2) === 0) return Array.from({ length: pick(6) }, () => tree(depth - 1));
      const o: Record<string, unknown> = {};
      for (let i = pick(5); i > 0; i--) o[keys[pick(keys.length)]!] = tree(depth - 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) expectLikeClone(tree(6));
    const big = Array.from({ length: 300_000 }, (_, i) => ({ token: `t${i % 70_000}`, order: { ms: 1.7e12 + i, offset: i * 2100 } }));
    const chunks = pack(big);
    expect(chunks.length).toBeGreaterThan(3);
    expect(isDeepStrictEqual(unpack(chunks), big)).toBe(true);
  });
  it('refuses what is not plain data, and data cut short', () => {
    for (const v of [new Map(), new Set(), new Date(0), () => 1, Symbol('s'), 1n, new Uint8Array(2), { m: new Map() }]) {
      expect(() => pack(v), String(v)).toThrow(TypeError);
    }
    const chunks = pack(Array.from({ length: 200_000 }, (_, i) => `value-${i}`));
    expect(() => unpack(chunks.slice(0, 1))).toThrow(/ends early/);
  });
  it('round-trips real Vault and Akeyless partials (fixtures) exactly', async () => {
    for (const [platform, file] of [['vault', 'fixtures/vault/audit.log'], ['vault', 'fixtures/demo/vault-demo.log'],
      ['akeyless', 'fixtures/akeyless/events.jsonl']] as const) {
      const partial = await partialOf(platform, file);
      const got = roundTrip(partial);
      expect(isDeepStrictEqual(got, structuredClone(partial)), file).toBe(true);
      expect(JSON.stringify(got)).toBe(JSON.stringify(partial));
    }
  });
});
