// Starting worker threads, as early as possible. A worker takes ~110 ms to boot (Node's start-up,
// module loading, compiling the projector's wasm), and this thread spends ~105-125 ms (Node's
// start-up, yargs and the CLI) before it knows what to run: measured on the 1.1 GB bench log, a
// worker started by the pool was ready ~310 ms after process start. bin/client-auditor.js therefore
// starts the workers a count or clients command will most likely need before it loads anything
// else, and the pool takes them (or starts more). This module imports nothing but node:worker_threads
// so that it loads at once.

import { Worker } from 'node:worker_threads';
import os from 'node:os';

/** The default thread count (--jobs): available cores. */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * A worker's young generation: V8's default (up to 2 x 16 MB semi-spaces) only buys fewer scavenges
 * of per-line garbage that dies at once anyway. Measured on the 1.1 GB bench log: 8 MB takes ~25 MB
 * off each worker's RSS at no measurable cost in time.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** What happened to a worker before the pool listened to it. */
export interface EarlyEvents {
  error: Error | null;
  exitCode: number | null;
  /** Resolves when the worker's thread runs (its isolate exists). */
  online: Promise<void>;
}

interface Started {
  worker: Worker;
  early: EarlyEvents;
}

const prestarted: Started[] = [];

function start(): Started {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
  const early: EarlyEvents = { error: null, exitCode: null, online: new Promise((resolve) => worker.once('online', () => resolve())) };
  // Listeners from the start: an 'error' event without one would crash the process.
  worker.on('error', (e) => {
    early.error ??= e;
  });
  worker.on('exit', (code) => {
    early.exitCode ??= code;
  });
  return { worker, early };
}

/**
 * The worker count `args` (the command line) most likely needs: available cores - 1 for count and
 * clients, fewer with --jobs/-j, none for anything else. A guess only: the pool decides.
 */
export function likelyWorkers(args: readonly string[]): number {
  if (args[0] !== 'count' && args[0] !== 'clients') return 0;
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-' || a === '--')) return 0;
  let jobs = availableCores();
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    let value: string | undefined;
    if (a === '--jobs' || a === '-j') value = args[i + 1];
    else if (a.startsWith('--jobs=')) value = a.slice(7);
    else if (/^-j\d/.test(a)) value = a.slice(2);
    else continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) return 0;
    jobs = n;
  }
  return Math.min(jobs, 64) - 1;
}

/**
 * Starts `n` workers now, for the pool to take later. They do not keep the process alive until taken
 * (an early exit, e.g. on a usage error, is not delayed), and releasePrestarted() stops those not taken.
 */
export function prestartWorkers(n: number): void {
  for (let i = 0; i < n; i++) {
    const s = start();
    s.worker.unref();
    prestarted.push(s);
  }
}

/** A started worker: a prestarted one if any is left, else a new one. */
export function takeWorker(): Started {
  const s = prestarted.shift() ?? start();
  s.worker.ref();
  return s;
}

/** Stops the prestarted workers no pool took. */
export function releasePrestarted(): void {
  for (const s of prestarted.splice(0)) void s.worker.terminate();
}
