// Runs the planned tasks on `jobs` worker threads (or inline when jobs = 1 or the input is stdin)
// and returns task results in plan order plus one partial per collector. Results never depend on
// which worker ran which task or when it finished: the merge is by plan order and processing order.

import { Worker } from 'node:worker_threads';
import { collectorFactory } from '../platforms.js';
import type { RunOptions } from '../platform.js';
import type { PlannedTask } from './plan.js';
import { runTask, type BytesListener, type TaskResult } from './run-task.js';
import { deserializeError, type FromWorker } from './messages.js';

export interface PoolResult {
  results: TaskResult[];
  partials: unknown[];
}

async function runInline(tasks: PlannedTask[], options: RunOptions, onRawBytes: BytesListener): Promise<PoolResult> {
  const collector = (await collectorFactory(options.platform))(options);
  const results: TaskResult[] = [];
  for (const task of tasks) results.push(await runTask(task, collector, onRawBytes));
  return { results, partials: [collector.partial()] };
}

export async function runTasks(tasks: PlannedTask[], jobs: number, options: RunOptions, onRawBytes: BytesListener): Promise<PoolResult> {
  // stdin can only be read by the main thread; such a run stays inline.
  if (jobs <= 1 || tasks.length <= 1 || tasks.some((t) => t.file.path === '-')) {
    return runInline(tasks, options, onRawBytes);
  }
  const workerCount = Math.min(jobs, tasks.length);
  const results: TaskResult[] = new Array(tasks.length);
  const partials: unknown[] = new Array(workerCount);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      for (let w = 0; w < workerCount; w++) {
        const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { options } });
        workers.push(worker);
        const feed = (): void => {
          if (next < tasks.length) worker.postMessage({ type: 'task', task: tasks[next++] });
          else worker.postMessage({ type: 'finish' });
        };
        worker.on('message', (msg: FromWorker) => {
          switch (msg.type) {
            case 'bytes':
              onRawBytes(msg.n, msg.file);
              break;
            case 'done':
              results[msg.result.seq] = msg.result;
              feed();
              break;
            case 'partial':
              partials[w] = msg.partial;
              if (++finished === workerCount) resolve();
              break;
            case 'error':
              fail(deserializeError(msg.error));
              break;
          }
        });
        worker.on('error', (e) => fail(e));
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`worker thread exited with code ${code}`));
        });
        feed();
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, partials };
}
