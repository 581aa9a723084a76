// One run end to end: expand inputs -> choose the platform -> plan read tasks -> run them on the
// worker pool -> merge file statistics -> the platform's finish step. Returns the finished result;
// printing and exit codes belong to the CLI.

import { plainHead } from './ingest/open.js';
import { detectPlatform } from './detect.js';
import { mergeRangeStats, type FileStatsData } from './ingest/file-stats.js';
import { expandInputs, type InputFile } from './ingest/inputs.js';
import { detectShape } from './ingest/scan.js';
import { planTasks, type PlannedTask } from './parallel/plan.js';
import { BlockBuffers } from './parallel/block-buffers.js';
import { BLOCK_BYTES, blockTasks } from './parallel/blocks.js';
import { runTasks } from './parallel/pool.js';
import type { LineResolver, PlatformName, PlatformResult, RunOptions } from './platform.js';
import { collectorFactory, finisher } from './platforms.js';
import { mark, marksText, timingEnabled } from './timing.js';

export interface PipelineInput {
  inputs: string[];
  platform: PlatformName | null;
  run: Omit<RunOptions, 'platform'>;
  jobs: number;
  strict: boolean;
  vaultOnlyFlags: string[];
  /** Raw bytes read so far, with the current file, for the progress bar. */
  onProgress?: (bytesDone: number, totalBytes: number | null, file: string) => void;
}

export interface PipelineOutput {
  platform: PlatformName;
  detected: boolean;
  files: FileStatsData[];
  result: PlatformResult;
}

/** A big plain file may be split into byte ranges only if it is JSON lines (not an array). */
function isLinesFile(file: InputFile): boolean {
  return detectShape(plainHead(file.path, 64 * 1024)) === 'lines';
}

export async function runPipeline(p: PipelineInput): Promise<PipelineOutput> {
  mark('pipeline');
  const { files, warnings } = expandInputs(p.inputs);
  const detected = p.platform === null;
  const platform = p.platform ?? (await detectPlatform(files));
  if (platform === 'akeyless') {
    for (const flag of p.vaultOnlyFlags) warnings.push(`option-ignored: ${flag} does not apply to akeyless`);
  }
  const options: RunOptions = { ...p.run, platform };
  // Task source: byte ranges of big plain files (planned up front) and blocks of compressed files
  // (cut while reading). stdin is read by this thread alone; jobs = 1 reads every file whole.
  const inline = p.jobs <= 1 || files.some((f) => f.path === '-');
  let seq = 0;
  const nextSeq = (): number => seq++;
  // Block buffers come back from the workers once parsed (a few are in flight or queued at a time).
  const blockBuffers = new BlockBuffers(p.jobs + 2, BLOCK_BYTES);
  const source = (async function* () {
    for (const file of files) {
      if (!inline && file.compression !== 'none') {
        yield* blockTasks(file, nextSeq, blockBuffers);
      } else {
        for (const t of planTasks([file], inline ? 1 : p.jobs, isLinesFile)) yield { ...t, seq: nextSeq() };
      }
    }
  })();
  const totalBytes = files.some((f) => f.size === null) ? null : files.reduce((s, f) => s + (f.size ?? 0), 0);
  let done = 0;
  const onRawBytes = (n: number, file: string): void => {
    done += n;
    p.onProgress?.(done, totalBytes, file);
  };
  const t0 = performance.now();
  mark('inputs planned');
  // Plain files only: this thread would otherwise idle while workers parse (see runTasks).
  const parseHere = files.every((f) => f.compression === 'none') && totalBytes !== null ? { totalBytes } : null;
  // Loaded while the first tasks start (this thread waits for the workers' first results then), not
  // after the last one: ~12-15 ms of module loading off the end of the run. But after the collector's
  // modules, which the tasks need first (the pool loads them too; a module loads once): loading both
  // at once delayed the first task by the finish step's ~25 modules.
  const finishLoaded = collectorFactory(platform).then(() => finisher(platform));
  finishLoaded.catch(() => undefined); // awaited below; a run that fails first must not leave it unhandled
  const { results, partials, tasks, tailLeftBytes } = await runTasks(source, p.jobs, options, onRawBytes, inline, parseHere, blockBuffers);
  const t1 = performance.now();

  // Per-file statistics: byte ranges of one file merge in file order; line numbers of a range
  // become absolute by adding the lines of the ranges before it.
  const lineBase = new Map<number, number>();
  // One pass to group tasks by file: an S3 tree can hold tens of thousands of files.
  const tasksOf: PlannedTask[][] = files.map(() => []);
  for (const t of tasks) tasksOf[t.file.index]!.push(t);
  const fileStats: FileStatsData[] = files.map((file) => {
    const own = tasksOf[file.index]!;
    let base = 0;
    for (const t of own) {
      lineBase.set(t.seq, base);
      base += results[t.seq]!.stats.lines;
    }
    return mergeRangeStats(own.map((t) => results[t.seq]!.stats));
  });
  const resolveLine: LineResolver = (seq, lineNo) => (lineBase.get(seq) ?? 0) + lineNo;
  const finish = await finishLoaded;
  const result = finish(partials, { options, files: fileStats, warnings, resolveLine, strict: p.strict, detected });
  if (timingEnabled) {
    // Phase timings for performance work (bench/README.md); never part of the report.
    const tail = tailLeftBytes === null ? '' : `, workers finished with ${tailLeftBytes} byte(s) left to this thread`;
    mark('finished');
    process.stderr.write(`timing: ${tasks.length} task(s), read+collect ${(t1 - t0).toFixed(0)} ms, finish ${(performance.now() - t1).toFixed(0)} ms${tail}\n`);
    process.stderr.write(`timing: ms since start: ${marksText()}\n`);
  }
  return { platform, detected, files: fileStats, result };
}

