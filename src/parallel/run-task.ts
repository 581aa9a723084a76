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

export async function runTask(task: PlannedTask, collector: Collector<unknown>, onRawBytes: (n: number) => void): Promise<TaskResult> {
  const stats = await scanTask(task, (st, shape) => collector.sinkFor(task, st, shape), onRawBytes);
  return { seq: task.seq, stats: stats.data };
}
