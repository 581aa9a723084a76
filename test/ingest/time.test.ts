// Event times (spec vault.md §3.5): nanosecond precision, offsets converted to UTC, and the cached
// fast path (same day as the previous line) gives exactly what the full parse gives.
import { describe, expect, it } from 'vitest';
import { formatEventTime, formatSeconds, isUtcSeconds, parseEventTime } from '../../src/ingest/time.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { issueTimeUtc } from '../../src/vault/registration.js';

/** Independent reference: Date.parse on the millisecond part, the rest of the fraction as subNs. */
function reference(text: string): { ms: number; subNs: number } | null {
  const m = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  const ms = Date.parse(`${m[1]}.${frac.slice(0, 3)}${m[3]}`);
  return Number.isNaN(ms) ? null : { ms, subNs: Number(frac.slice(3)) };
}

describe('V8 event time parsing', () => {
  it('matches the reference for times of one day in any order (fast path) and across days', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
    for (let i = 0; i < 5000; i++) {
      const day = i % 50 < 45 ? 6 : 1 + rnd(28); // mostly one day: exercises the cache
      const fracDigits = rnd(10);
      const frac = fracDigits === 0 ? '' : '.' + String(rnd(10 ** fracDigits)).padStart(fracDigits, '0');
      const zone = rnd(10) === 0 ? '+08:00' : 'Z';
      const t = `2024-05-${pad(day)}T${pad(rnd(24))}:${pad(rnd(60))}:${pad(rnd(60))}${frac}${zone}`;
      expect(parseEventTime(t), t).toEqual(reference(t));
    }
  });

  it('rejects malformed times whether or not the day is cached', () => {
    const bad = ['2024-05-06T24:00:00Z', '2024-05-06T10:60:00Z', '2024-05-06T10:16:61Z', '2024-05-06T10:16:4xZ',
      '2024-05-06T10:16:41.Z', '2024-05-06T10:16:41.1234567890Z', '2024-05-06T10:16:41', '2024-02-31T10:00:00Z',
      '2024-05-06T1:16:41Z', 'not a time'];
    for (const b of bad) {
      parseEventTime('2024-05-06T00:00:00Z'); // warm the day cache
      expect(parseEventTime(b), b).toBeNull();
    }
  });

  it('keeps the original fraction and converts offsets to UTC when printing', () => {
    expect(formatEventTime(parseEventTime('2024-05-06T10:16:40.5Z')!)).toBe('2024-05-06T10:16:40.5Z');
    expect(formatEventTime(parseEventTime('2026-09-09T06:12:11.937092952Z')!)).toBe('2026-09-09T06:12:11.937092952Z');
    expect(formatEventTime(parseEventTime('2026-09-09T13:54:37+08:00')!)).toBe('2026-09-09T05:54:37Z');
  });
});

describe('formatSeconds (day-cached) equals Date#toISOString truncated to seconds', () => {
  it('agrees on 200,000 seeded instants, before 1970 and near day edges included', () => {
    const ref = (ms: number): string => new Date(ms - ((ms % 1000) + 1000) % 1000).toISOString().slice(0, 19) + 'Z';
    const rnd = mulberry32(99);
    const cases = [0, -1, -999, -1000, 86_399_999, 86_400_000, -86_400_000, 253_402_300_799_000, -62_135_596_800_000];
    for (let i = 0; i < 200_000; i++) cases.push(Math.floor((rnd() * 2 - 0.3) * 4e12) - (i % 3));
    for (const ms of cases) expect(formatSeconds(ms), String(ms)).toBe(ref(ms));
  });
});

describe('token issue times in UTC (toUtcSeconds, via vault/registration.ts)', () => {
  it('the canonical-form shortcut returns exactly what the full parse and format return', () => {
    const slow = (raw: string): string => {
      const t = parseEventTime(raw);
      return t === null ? '' : formatSeconds(t.ms);
    };
    const rnd = mulberry32(99);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
    const cases = ['2024-02-29T10:00:00Z', '2023-02-29T10:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T23:59:59Z',
      '2024-04-31T00:00:00Z', '2024-12-31T23:59:60Z', '0099-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '2024-01-01t00:00:00Z',
      '2024-01-01T00:00:00z', '2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00+00:00', '2024-01-01 00:00:00Z', '2024-1-01T00:00:00Z'];
    for (let i = 0; i < 20_000; i++) {
      const y = [1899, 1900, 1970, 2000, 2023, 2024, 2100][pick(7)]!;
      cases.push(`${y}-${pad(pick(14))}-${pad(pick(33))}T${pad(pick(25))}:${pad(pick(61))}:${pad(pick(62))}Z`);
    }
    let shortcut = 0;
    for (const raw of cases) {
      expect(issueTimeUtc(raw), raw).toBe(slow(raw));
      if (isUtcSeconds(raw)) shortcut++;
    }
    expect(shortcut).toBeGreaterThan(2000); // the shortcut is really taken
  });

  it('a time in the canonical form, sliced from a longer text (as the projector decodes it), comes back equal', () => {
    const table = '2025-01-01T00:00:23.283396428Zsecret/data/app2024-12-18T03:44:32Z2024-12-18T11:44:32+08:00';
    expect(issueTimeUtc(table.substring(45, 65))).toBe('2024-12-18T03:44:32Z');
    expect(issueTimeUtc(table.substring(65))).toBe('2024-12-18T03:44:32Z');
    expect(issueTimeUtc(table.substring(0, 30))).toBe('2025-01-01T00:00:23Z');
  });
});
