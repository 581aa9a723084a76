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

export interface PlannedTask extends ScanTask {
  /** Position in the plan; partial results are merged in this order, never completion order. */
  seq: number;
}

export function planTasks(files: readonly InputFile[], jobs: number, splittable: (f: InputFile) => boolean): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  for (const file of files) {
    const size = file.size ?? 0;
    if (jobs > 1 && file.compression === 'none' && file.path !== '-' && size >= SPLIT_MIN_BYTES && splittable(file)) {
      const pieces = jobs * Math.ceil(size / RANGE_BYTES / jobs); // a multiple of the workers
      const step = Math.ceil(size / pieces);
      for (let start = 0; start < size; start += step) {
        // The last range is open-ended: a log still being written may have grown since stat().
        tasks.push({ seq: tasks.length, file, range: { start, end: start + step >= size ? Infinity : start + step } });
      }
    } else {
      tasks.push({ seq: tasks.length, file, range: null });
    }
  }
  return tasks;
}
