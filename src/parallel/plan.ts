// Splits the work into read tasks: one per file, and several byte ranges for a large uncompressed
// JSON-lines file so that both cores work on a single huge file. Ranges start and end anywhere;
// scan.ts aligns them to line starts, so every line belongs to exactly one range.

import type { InputFile } from '../ingest/inputs.js';
import type { ScanTask } from '../ingest/scan.js';

/** Files below this size are not split: a task's fixed cost (partial result, merge) dominates. */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/**
 * Target range size. A range costs little (workers keep one collector across tasks and send one
 * partial at the end), so ranges are small enough that cores finish together: with 128 MiB ranges a
 * 1.1 GB file made 9 tasks for 2 workers and one worker idled for a whole task (~0.5 s) at the end.
 */
export const RANGE_BYTES = 32 * 1024 * 1024;

/**
 * The end of a split file is cut finer: its last FINE_SHARE (at most FINE_MAX_BYTES) in ranges of
 * FINE_RANGE_BYTES. Threads then finish within a small range of each other, and the tail hand-over
 * (pool.ts TAIL_SHARE, a few percent) starts within a small range of where it should: with 32 MiB
 * ranges to the end, the 1.1 GB bench log's 44 MB tail either started at 32 MiB or was missed, and
 * this thread then waited for the worker's last range and its packing (~0.2-0.4 s).
 */
const FINE_SHARE = 0.1;
const FINE_MAX_BYTES = 320 * 1024 * 1024;
const FINE_RANGE_BYTES = 8 * 1024 * 1024;

export interface PlannedTask extends ScanTask {
  /** Position in the plan; partial results are merged in this order, never completion order. */
  seq: number;
}

/** Range starts of a split file: RANGE_BYTES-sized (a multiple of `jobs` of them), then the fine end. */
export function rangeStarts(size: number, jobs: number): number[] {
  const fine = Math.min(Math.floor(size * FINE_SHARE), FINE_MAX_BYTES);
  const coarse = size - fine;
  const starts: number[] = [];
  const pieces = jobs * Math.ceil(coarse / RANGE_BYTES / jobs); // a multiple of the threads
  const step = Math.ceil(coarse / pieces);
  for (let start = 0; start < coarse; start += step) starts.push(start);
  const fineStep = Math.ceil(fine / Math.max(1, Math.round(fine / FINE_RANGE_BYTES)));
  for (let start = coarse; start < size; start += fineStep) starts.push(start);
  return starts;
}

export function planTasks(files: readonly InputFile[], jobs: number, splittable: (f: InputFile) => boolean): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  for (const file of files) {
    const size = file.size ?? 0;
    if (jobs > 1 && file.compression === 'none' && file.path !== '-' && size >= SPLIT_MIN_BYTES && splittable(file)) {
      const starts = rangeStarts(size, jobs);
      for (let i = 0; i < starts.length; i++) {
        // The last range is open-ended: a log still being written may have grown since stat().
        const end = i + 1 < starts.length ? starts[i + 1]! : Infinity;
        tasks.push({ seq: tasks.length, file, range: { start: starts[i]!, end } });
      }
    } else {
      tasks.push({ seq: tasks.length, file, range: null });
    }
  }
  return tasks;
}
