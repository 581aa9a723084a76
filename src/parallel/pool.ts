// Runs read tasks on `jobs` worker threads (or inline when jobs = 1 or the input is stdin) and
// returns task results by plan sequence plus one partial per collector. Tasks come from an async
// source (blocks of a compressed file are cut while earlier ones are parsed); at most a few are
// queued ahead, which bounds memory. Results never depend on which worker ran which task or when it
// finished: files' statistics merge by sequence, partials by processing order.

import { Worker } from 'node:worker_threads';
import { collectorFactory } from '../platforms.js';
import type { RunOptions } from '../platform.js';
import type { PlannedTask } from './plan.js';
import { runTask, type BytesListener, type TaskResult } from './run-task.js';
import { deserializeError, type FromWorker } from './messages.js';

export interface PoolResult {
  /** Indexed by task seq. */
  results: TaskResult[];
  partials: unknown[];
  /** Every task that ran, in seq order (the source may have created them lazily). */
  tasks: PlannedTask[];
}

async function runInline(source: AsyncIterable<PlannedTask>, options: RunOptions, onRawBytes: BytesListener): Promise<PoolResult> {
  const collector = (await collectorFactory(options.platform))(options);
  const results: TaskResult[] = [];
  const tasks: PlannedTask[] = [];
  for await (const task of source) {
    tasks.push(task);
    results[task.seq] = await runTask(task, collector, onRawBytes);
  }
  return { results, partials: [collector.partial()], tasks };
}

export async function runTasks(source: AsyncIterable<PlannedTask>, jobs: number, options: RunOptions,
  onRawBytes: BytesListener, inline: boolean): Promise<PoolResult> {
  if (jobs <= 1 || inline) return runInline(source, options, onRawBytes);
  const results: TaskResult[] = [];
  const tasks: PlannedTask[] = [];
  const partials: unknown[] = [];
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const partialOf = new Map<Worker, number>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitForEvent = (): Promise<void> => new Promise((r) => {
    wake = r;
  });
  let inFlight = 0;
  let finished = 0;
  for (let i = 0; i < jobs; i++) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { options } });
    workers.push(worker);
    partialOf.set(worker, i);
    idle.push(worker);
    worker.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'bytes':
          onRawBytes(msg.n, msg.file);
          break;
        case 'done':
          results[msg.result.seq] = msg.result;
          inFlight--;
          idle.push(worker);
          signal();
          break;
        case 'partial':
          partials[partialOf.get(worker)!] = msg.partial;
          finished++;
          signal();
          break;
        case 'error':
          failure ??= deserializeError(msg.error);
          signal();
          break;
      }
    });
    worker.on('error', (e) => {
      failure ??= e;
      signal();
    });
    worker.on('exit', (code) => {
      if (code !== 0 && finished < jobs) failure ??= new Error(`worker thread exited with code ${code}`);
      signal();
    });
  }
  try {
    // Read ahead: the next task (e.g. the next decompressed block) is prepared while every worker
    // is busy, so no worker waits for the main thread.
    const it = source[Symbol.asyncIterator]();
    let next = it.next();
    for (;;) {
      const r = await next;
      if (r.done) break;
      next = it.next();
      while (idle.length === 0 && failure === null) await waitForEvent();
      if (failure) throw failure;
      const task = r.value;
      // Keep the task without its block bytes: it is needed for file statistics, the bytes are not.
      tasks.push(task.block ? { ...task, block: null } : task);
      inFlight++;
      // A block's bytes move to the worker instead of being copied: each block owns its ArrayBuffer
      // (blocks.ts), so the main thread keeps no second copy awaiting garbage collection.
      const bytes = task.block?.bytes;
      const transfer = bytes && bytes.buffer.byteLength > Buffer.poolSize ? [bytes.buffer as ArrayBuffer] : [];
      idle.pop()!.postMessage({ type: 'task', task }, transfer);
    }
    while (inFlight > 0 && failure === null) await waitForEvent();
    if (failure) throw failure;
    for (const w of workers) w.postMessage({ type: 'finish' });
    while (finished < jobs && failure === null) await waitForEvent();
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, partials, tasks };
}
