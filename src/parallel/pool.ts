// Runs read tasks on `jobs` threads, this one and jobs - 1 workers (or inline when jobs = 1 or the
// input is stdin), and returns task results by plan sequence plus one partial per collector. Tasks
// come from an async source (blocks of a compressed file are cut while earlier ones are parsed); at
// most a few are queued ahead, which bounds memory. Results never depend on which thread ran which
// task or when it finished: files' statistics merge by sequence, partials by order-independent rules.

import type { Worker } from 'node:worker_threads';
import { collectorFactory } from '../platforms.js';
import type { BlockBuffers } from './block-buffers.js';
import type { RunOptions } from '../platform.js';
import type { PlannedTask } from './plan.js';
import { unpack } from './packed.js';
import { releasePrestarted, takeWorker } from './spawn.js';
import { YoungGenerationCap } from './young-generation.js';
import { runTask, type BytesListener, type TaskResult } from './run-task.js';
import { deserializeError, type FromWorker } from './messages.js';
import { addMarks, mark } from '../timing.js';
import { runPipelined } from './pipelined.js';

export interface PoolResult {
  /** Indexed by task seq. */
  results: TaskResult[];
  partials: unknown[];
  /** Every task that ran, in seq order (the source may have created them lazily). */
  tasks: PlannedTask[];
  /** Input bytes not yet taken when an idle worker was first left out of the tail (TAIL_SHARE), or null. */
  tailLeftBytes: number | null;
}

async function runInline(source: AsyncIterable<PlannedTask>, options: RunOptions, onRawBytes: BytesListener): Promise<PoolResult> {
  const collector = (await collectorFactory(options.platform))(options);
  const results: TaskResult[] = [];
  const tasks: PlannedTask[] = [];
  const youngGeneration = new YoungGenerationCap();
  for await (const task of source) {
    tasks.push(task);
    results[task.seq] = await runTask(task, collector, onRawBytes);
    youngGeneration.check();
  }
  return { results, partials: [collector.partial()], tasks, tailLeftBytes: null };
}

/**
 * When this thread parses, the input's last TAIL_SHARE (at most TAIL_MAX_BYTES) is left to it: a
 * worker that falls idle then packs and sends its partial (packed.ts) instead of taking another
 * range, so the packing overlaps this thread's last ranges rather than following them. About the
 * packing time at this thread's speed on the bench logs. 1.1 GB, 5 runs per share: at 5 % this
 * thread waited 21-46 ms for the worker's partial, at 6.5 % 0-13 ms (the worker idle 0-115 ms), at
 * 8 % the worker idled 8-126 ms: hence 6 %. 3 GB: the worker packs in 470-680 ms, and a 128 MiB cap
 * had this thread done in 320-430 ms, hence 256 MiB. Packing grows with distinct tokens, not bytes,
 * hence a cap at all: a 100 GB input would otherwise leave 6 GB to one thread.
 */
const TAIL_SHARE = 0.06;
const TAIL_MAX_BYTES = 256 * 1024 * 1024;

/** This thread parses too (plain inputs only), and the inputs hold `totalBytes`. */
export interface ParseHere {
  totalBytes: number;
}

function taskBytes(task: PlannedTask): number {
  const size = task.file.size ?? 0;
  if (task.range === null) return size;
  return Math.max(0, Math.min(task.range.end, size) - task.range.start);
}

/**
 * `jobs` threads work: this one and jobs - 1 workers. With two threads and `parseHere` (plain inputs),
 * the run is pipelined when the platform allows it (pipelined.ts): the worker reads, this thread
 * folds. Otherwise this thread either inflates compressed inputs (the task source cuts their blocks
 * here) or, with `parseHere` (where it would otherwise idle), runs a collector of its own and takes
 * tasks like a worker, the input's tail (TAIL_SHARE) alone. Each isolate costs ~100 MB at peak;
 * measured on the 1.1 GB bench .gz, one worker keeps up with this thread's inflating (7.3 s vs
 * 7.2-7.4 s with two, peak RSS 298 MB vs 354-368 MB). Block buffers the workers send back once parsed
 * go to `blockBuffers`, for the next blocks (block-buffers.ts).
 */
export async function runTasks(source: AsyncIterable<PlannedTask>, jobs: number, options: RunOptions,
  onRawBytes: BytesListener, inline: boolean, parseHere: ParseHere | null = null, blockBuffers?: BlockBuffers): Promise<PoolResult> {
  if (jobs <= 1 || inline) {
    releasePrestarted();
    return runInline(source, options, onRawBytes);
  }
  // Two threads on plain inputs: pipelined when the platform's collector takes projected lines.
  const mainCollector = parseHere !== null ? (await collectorFactory(options.platform))(options) : null;
  if (jobs === 2 && mainCollector !== null && process.env.CLIENT_AUDITOR_PIPELINE !== '0') {
    const pipelined = await runPipelined(source, mainCollector, options, onRawBytes);
    if (pipelined !== null) return pipelined;
  }
  const workerCount = jobs - 1;
  const results: TaskResult[] = [];
  const tasks: PlannedTask[] = [];
  const partials: unknown[] = [];
  const packedPartials: Uint8Array[][] = [];
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const partialOf = new Map<Worker, number>();
  const sentPartial = new Set<Worker>();
  /** Workers told to finish, and their exits (a worker is terminated once its partial is here). */
  const finishing = new Set<Worker>();
  const exits = new Map<Worker, Promise<number>>();
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
  const online: Promise<void>[] = [];
  for (let i = 0; i < workerCount; i++) {
    const { worker, early } = takeWorker();
    online.push(early.online);
    worker.postMessage({ type: 'init', options });
    workers.push(worker);
    partialOf.set(worker, i);
    idle.push(worker);
    worker.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'bytes':
          onRawBytes(msg.n, msg.file);
          break;
        case 'done':
          if (msg.spare) blockBuffers?.give(msg.spare);
          results[msg.result.seq] = msg.result;
          inFlight--;
          idle.push(worker);
          signal();
          break;
        case 'partial': {
          const index = partialOf.get(worker)!;
          packedPartials[index] = msg.packed;
          sentPartial.add(worker);
          addMarks(`worker ${index}`, msg.marks);
          mark(`worker ${index} partial here`);
          // Its heap is no longer needed: freed while this thread goes on.
          exits.set(worker, worker.terminate());
          signal();
          break;
        }
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
      if (code !== 0 && !sentPartial.has(worker)) failure ??= new Error(`worker thread exited with code ${code}`);
      signal();
    });
    // A prestarted worker may have failed before these listeners existed.
    if (early.error !== null) failure ??= early.error;
    else if (early.exitCode !== null) failure ??= new Error(`worker thread exited with code ${early.exitCode}`);
  }
  releasePrestarted();
  const youngGeneration = new YoungGenerationCap(online);
  const finish = (w: Worker): void => {
    finishing.add(w);
    w.postMessage({ type: 'finish' });
  };
  // The source is shared by the dispatch loop below and, with parseHere, this thread's own loop
  // (an async generator queues concurrent next() calls, so each task is handed out once).
  const it = source[Symbol.asyncIterator]();
  let takenBytes = 0;
  const take = async (): Promise<IteratorResult<PlannedTask>> => {
    const r = await it.next();
    if (!r.done) takenBytes += taskBytes(r.value);
    return r;
  };
  const tailBytes = parseHere === null ? -1 : Math.min(parseHere.totalBytes * TAIL_SHARE, TAIL_MAX_BYTES);
  const inTail = (): boolean => parseHere !== null && parseHere.totalBytes - takenBytes <= tailBytes;
  let tailLeftBytes: number | null = null;
  const mainLoop = (async (): Promise<void> => {
    if (mainCollector === null) return;
    for (;;) {
      if (failure) return;
      const r = await take();
      if (r.done) break;
      tasks.push(r.value);
      results[r.value.seq] = await runTask(r.value, mainCollector, onRawBytes);
      youngGeneration.check();
    }
    mark('this thread parsed');
  })().catch((e: unknown) => {
    failure ??= e instanceof Error ? e : new Error(String(e));
    signal();
  });
  try {
    // Read ahead: the next task (e.g. the next decompressed block) is prepared while every worker
    // is busy, so no worker waits for the main thread. Not when this thread parses: a task held
    // for a busy worker is one this thread could have taken (measured: the worker finished 3 ranges,
    // ~250 ms, after this thread ran dry).
    const readAhead = mainCollector === null;
    let next: Promise<IteratorResult<PlannedTask>> | null = readAhead ? take() : null;
    for (;;) {
      if (next === null) {
        while (idle.length === 0 && failure === null) await waitForEvent();
        if (failure) throw failure;
        // The tail is this thread's: an idle worker (no task in flight) packs its partial meanwhile.
        if (inTail()) {
          tailLeftBytes ??= parseHere!.totalBytes - takenBytes;
          while (idle.length > 0) finish(idle.pop()!);
          if (finishing.size === workers.length) break;
          continue;
        }
      }
      const r = await (next ?? take());
      if (r.done) break;
      // Compressed inputs: this thread inflates and cuts blocks; its young generation grows too.
      if (mainCollector === null) youngGeneration.check();
      next = readAhead ? take() : null;
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
    await mainLoop;
    if (failure) throw failure;
    // The other partials one at a time, each worker exiting once it has sent its own: asking every
    // worker at once had each serialize its partial while all heaps were still full (the run's peak
    // RSS). Workers idle in the tail were told at once: with 3+ threads they pack side by side.
    // Partials are unpacked only once every worker has exited, so no worker heap is alive meanwhile.
    for (const w of workers) {
      if (!finishing.has(w)) finish(w);
      while (!sentPartial.has(w) && failure === null) await waitForEvent();
      if (failure) throw failure;
      await exits.get(w);
    }
    if (failure) throw failure;
    mark('workers exited');
    for (let i = 0; i < workerCount; i++) {
      partials[i] = unpack(packedPartials[i]!);
      packedPartials[i] = [];
    }
    mark('unpacked');
    // Last: its lists are garbage once merged, and need not exist beside a worker's heap.
    if (mainCollector !== null) partials[workerCount] = mainCollector.partial();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // Two loops took tasks: list them in plan order (line numbers of ranges add up in that order).
  tasks.sort((a, b) => a.seq - b.seq);
  return { results, partials, tasks, tailLeftBytes };
}
