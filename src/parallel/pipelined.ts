// A pipelined run on two threads: a worker reads every task and validates and projects its lines
// (the wasm projector, ingest/projection-stream.ts), and this thread builds the projections and folds
// them into the run's one collector. Measured on the 1.1 GB bench log with one thread: the projector
// (read, validate, intern) is ~40 % of the work and the collector's JavaScript the rest; two threads
// that each run both halves, each with a collector of its own, were only 1.10-1.18x faster than one,
// and a second collector costs a packed partial, its unpacking and a merge (~340 ms of the run). Here
// no state exists twice and nothing is merged.
//
// Tasks (byte ranges of big files, else whole files) run in plan order, one at a time, in the
// worker; a task's records all reach this thread before its 'done'. A task's statistics are the
// worker's for what the scan counts (lines, blank lines, bytes read) and this thread's for what the
// collector reports (entries, malformed lines, truncation, times, format).

import { FileStats, type FileStatsData } from '../ingest/file-stats.js';
import { ProjectionStreamReader, type ProjectionStreamHandler } from '../ingest/projection-stream.js';
import type { RecordSink } from '../ingest/scan.js';
import type { Collector, RunOptions } from '../platform.js';
import { createRing, RingReader } from './batch-ring.js';
import type { PlannedTask } from './plan.js';
import type { PoolResult } from './pool.js';
import type { BytesListener, TaskResult } from './run-task.js';
import { releasePrestarted, takeWorker } from './spawn.js';
import { YoungGenerationCap } from './young-generation.js';
import { deserializeError, type FromWorker, type ToWorker } from './messages.js';
import { addMarks, mark, type Mark } from '../timing.js';

/** Tasks sent to the worker and not yet done. */
const QUEUED_TASKS = 2;

/** Scan counts are the reader's; everything the sink reported is the collector's. */
function taskStats(scanned: FileStatsData, folded: FileStatsData): FileStatsData {
  return { ...folded, lines: scanned.lines, blankLines: scanned.blankLines, bytesRead: scanned.bytesRead };
}

/**
 * Runs every task of `source` with a worker reading and `collector` folding; null when the collector
 * does not take projected lines (the caller then runs the tasks another way).
 */
export async function runPipelined(source: AsyncIterable<PlannedTask>, collector: Collector<unknown>, options: RunOptions,
  onRawBytes: BytesListener): Promise<PoolResult | null> {
  const projection = collector.lineProjection?.() ?? null;
  if (projection === null) return null;
  mark('pipelined');
  const ring = createRing();
  const rings = new RingReader(ring);
  const reader = new ProjectionStreamReader(projection.shape);
  const { worker, early } = takeWorker();
  releasePrestarted();
  const init: ToWorker = { type: 'init', options, pipe: { ring, projection } };
  worker.postMessage(init);
  const youngGeneration = new YoungGenerationCap([early.online]);

  const results: TaskResult[] = [];
  const tasks: PlannedTask[] = [];
  const bySeq = new Map<number, PlannedTask>();
  const folded = new Map<number, FileStats>();
  let sink: RecordSink | null = null;
  const handler: ProjectionStreamHandler = {
    task: (seq, shape) => {
      const task = bySeq.get(seq)!;
      const stats = new FileStats(task.file.path);
      folded.set(seq, stats);
      sink = collector.sinkFor(task, stats, shape);
    },
    projected: (value, lineNo, byteOffset, unterminated, time) => sink!.projected!(value, lineNo, byteOffset, unterminated, time),
    raw: (buf, start, end, lineNo, byteOffset, unterminated) => sink!.line(buf, start, end, lineNo, byteOffset, unterminated),
    tooLong: (lineNo, byteOffset) => sink!.tooLong(lineNo, byteOffset),
  };

  let failure: Error | null = null;
  let inFlight = 0;
  let workerMarks: Mark[] = [];
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (e: unknown): void => {
    failure ??= e instanceof Error ? e : new Error(String(e));
    signal();
  };
  worker.on('message', (msg: FromWorker) => {
    if (failure !== null) return;
    try {
      switch (msg.type) {
        case 'batch': {
          const slot = rings.slot(msg.slot);
          reader.read(slot.words, slot.bytes, msg.words, handler);
          rings.release();
          break;
        }
        case 'large':
          reader.read(msg.record, Buffer.from(msg.record.buffer, msg.record.byteOffset, msg.record.byteLength), msg.record.length, handler);
          break;
        case 'value':
          sink!.value(msg.value, msg.index);
          break;
        case 'valueError':
          sink!.valueStreamError(msg.index, msg.reason, msg.atEnd);
          break;
        case 'bytes':
          onRawBytes(msg.n, msg.file);
          break;
        case 'done': {
          const seq = msg.result.seq;
          results[seq] = { seq, stats: taskStats(msg.result.stats, folded.get(seq)?.data ?? msg.result.stats) };
          folded.delete(seq);
          sink = null;
          inFlight--;
          workerMarks = msg.marks;
          youngGeneration.check();
          signal();
          break;
        }
        case 'error':
          fail(deserializeError(msg.error));
          break;
        default:
          fail(new Error(`pipelined run: unexpected message ${msg.type} from the worker`));
      }
    } catch (e) {
      fail(e);
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker thread exited with code ${code}`)));
  // A prestarted worker may have failed before these listeners existed.
  if (early.error !== null) fail(early.error);
  else if (early.exitCode !== null) fail(new Error(`worker thread exited with code ${early.exitCode}`));

  try {
    const waitForEvent = (): Promise<void> => new Promise((r) => {
      wake = r;
    });
    // The next task is queued in the worker while it reads one: it would otherwise wait at every task's
    // end until this thread had read the ring empty.
    for await (const task of source) {
      if (failure) break;
      tasks.push(task);
      bySeq.set(task.seq, task);
      inFlight++;
      const msg: ToWorker = { type: 'task', task };
      worker.postMessage(msg);
      while (inFlight >= QUEUED_TASKS && failure === null) await waitForEvent();
    }
    while (inFlight > 0 && failure === null) await waitForEvent();
    if (failure) throw failure;
    addMarks('worker 0', workerMarks);
    mark('this thread parsed');
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
  return { results, partials: [collector.partial()], tasks, tailLeftBytes: null };
}
