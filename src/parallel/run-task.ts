// Runs read tasks against one collector. Shared by the worker thread and the inline (--jobs 1,
// stdin) path so both execute exactly the same code.

import type { FileStatsData } from '../ingest/file-stats.js';
import { scanTask } from '../ingest/scan.js';
import type { Collector } from '../platform.js';
import type { PlannedTask } from './plan.js';

export interface TaskResult {
  seq: number;
  stats: FileStatsData;
}

/** Raw bytes read, with the file they came from (progress bar). */
export type BytesListener = (n: number, file: string) => void;

export async function runTask(task: PlannedTask, collector: Collector<unknown>, onRawBytes: BytesListener): Promise<TaskResult> {
  const file = task.file.path;
  const stats = await scanTask(task, (st, shape) => collector.sinkFor(task, st, shape), (n) => onRawBytes(n, file),
    collector.readBuffers?.bind(collector));
  return { seq: task.seq, stats: stats.data };
}
