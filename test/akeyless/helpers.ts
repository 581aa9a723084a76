// In-process runs of the Akeyless platform over the shared machinery (expandInputs, scanTask,
// mergeRangeStats, collector, finish), with control over how files are cut into byte ranges and
// how tasks are spread over collectors (each collector stands for one worker thread).

import { mergeRangeStats, type FileStatsData } from '../../src/ingest/file-stats.js';
import { expandInputs } from '../../src/ingest/inputs.js';
import * as fs from 'node:fs';
import { detectShape, scanTask } from '../../src/ingest/scan.js';
import { parseRange } from '../../src/ledger/range.js';
import type { PlannedTask } from '../../src/parallel/plan.js';
import type { RunOptions } from '../../src/platform.js';
import { createAkeylessCollector } from '../../src/akeyless/collector.js';
import { buildAkeylessModel } from '../../src/akeyless/finish.js';
import type { AkeylessResultModel } from '../../src/akeyless/model.js';
import type { AkeylessPartial } from '../../src/akeyless/partial.js';

export interface InProcessOptions {
  from?: string;
  to?: string;
  mergeHumans?: boolean;
  quota?: number | null;
  /** Byte offsets at which to cut each file into ranges (same cuts for every file); [] = whole files. */
  cuts?: number[];
  /** Number of collectors (simulated workers); tasks are dealt round-robin. */
  workers?: number;
  /** Reverse the order tasks are fed to collectors (completion order must not matter). */
  reverse?: boolean;
}

export function runOptions(o: InProcessOptions = {}): RunOptions {
  return {
    platform: 'akeyless',
    profile: 'current',
    range: parseRange(o.from, o.to),
    billingDay: 1,
    prefix: null,
    mergeHumans: o.mergeHumans ?? false,
    quota: o.quota ?? null,
  } as RunOptions;
}

export async function runInProcess(paths: string[], o: InProcessOptions = {}): Promise<AkeylessResultModel> {
  const { files, warnings } = expandInputs(paths);
  const options = runOptions(o);
  const tasks: PlannedTask[] = [];
  for (const file of files) {
    // Like parallel/plan.ts: only JSON-lines/text files are ever split, never JSON arrays.
    const splittable = detectShape(fs.readFileSync(file.path).subarray(0, 65536)) === 'lines';
    const cuts = splittable ? (o.cuts ?? []).filter((c) => c > 0 && c < (file.size ?? 0)) : [];
    if (cuts.length === 0) {
      tasks.push({ seq: tasks.length, file, range: null });
      continue;
    }
    const bounds = [0, ...cuts, Infinity];
    for (let i = 0; i + 1 < bounds.length; i++) tasks.push({ seq: tasks.length, file, range: { start: bounds[i]!, end: bounds[i + 1]! } });
  }
  const workers = Math.max(1, o.workers ?? 1);
  const collectors = Array.from({ length: workers }, () => createAkeylessCollector(options));
  const stats: FileStatsData[] = new Array(tasks.length);
  const order = o.reverse ? [...tasks].reverse() : tasks;
  for (const [i, task] of order.entries()) {
    const c = collectors[i % workers]!;
    stats[task.seq] = (await scanTask(task, (st, shape) => c.sinkFor(task, st, shape), () => {})).data;
  }
  const fileStats = files.map((f) => mergeRangeStats(tasks.filter((t) => t.file.index === f.index).map((t) => stats[t.seq]!)));
  const partials = collectors.map((c) => c.partial()).map((p) => structuredClone(p) as AkeylessPartial);
  return buildAkeylessModel(partials, {
    options,
    files: fileStats,
    warnings,
    resolveLine: (_seq, line) => line,
    strict: false,
    detected: false,
  });
}
