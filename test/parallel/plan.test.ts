// Byte ranges of a split file (src/parallel/plan.ts): they tile the file exactly, and its end is cut
// finer so that threads finish together and the tail hand-over (pool.ts) starts where it should.

import { describe, expect, it } from 'vitest';
import { planTasks, RANGE_BYTES, rangeStarts, SPLIT_MIN_BYTES } from '../../src/parallel/plan.js';

const MiB = 1024 * 1024;

function sizesOf(size: number, jobs: number): number[] {
  const starts = rangeStarts(size, jobs);
  return starts.map((s, i) => (starts[i + 1] ?? size) - s);
}

describe('rangeStarts', () => {
  for (const size of [SPLIT_MIN_BYTES, 70_000_000, 1_100_003_553, 3_000_000_909, 40_000_000_000]) {
    for (const jobs of [2, 3, 8]) {
      it(`tiles ${size} bytes for ${jobs} threads, coarse ranges then fine ones`, () => {
        const starts = rangeStarts(size, jobs);
        expect(starts[0]).toBe(0);
        for (let i = 1; i < starts.length; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
        expect(starts[starts.length - 1]!).toBeLessThan(size);
        const sizes = sizesOf(size, jobs);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(size);
        // every range at most RANGE_BYTES; the last tenth (at most 320 MiB) in ranges of about 8 MiB
        for (const s of sizes) expect(s).toBeLessThanOrEqual(RANGE_BYTES);
        const fine = Math.min(Math.floor(size * 0.1), 320 * MiB);
        let tail = 0;
        let n = 0;
        for (let i = sizes.length - 1; tail < fine; i--) {
          tail += sizes[i]!;
          n++;
          expect(sizes[i]!).toBeLessThanOrEqual(8.5 * MiB);
        }
        expect(tail).toBe(fine);
        // the coarse ranges are a multiple of the threads, so that no thread idles a whole range
        expect((sizes.length - n) % jobs).toBe(0);
      });
    }
  }
});

describe('planTasks', () => {
  const file = (size: number) => ({ path: '/x.log', index: 0, size, compression: 'none' as const });

  it('leaves the last range open-ended (a log still being written may have grown)', () => {
    const tasks = planTasks([file(1_100_003_553)], 2, () => true);
    expect(tasks.length).toBe(rangeStarts(1_100_003_553, 2).length);
    expect(tasks[tasks.length - 1]!.range!.end).toBe(Infinity);
    for (let i = 0; i + 1 < tasks.length; i++) expect(tasks[i]!.range!.end).toBe(tasks[i + 1]!.range!.start);
  });

  it('splits neither small files, nor for one thread, nor files that are not JSON lines', () => {
    expect(planTasks([file(SPLIT_MIN_BYTES - 1)], 2, () => true).map((t) => t.range)).toEqual([null]);
    expect(planTasks([file(1e9)], 1, () => true).map((t) => t.range)).toEqual([null]);
    expect(planTasks([file(1e9)], 2, () => false).map((t) => t.range)).toEqual([null]);
  });
});
