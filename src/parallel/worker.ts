// Worker-thread entry: builds the platform's collector once (from the pool's first message, 'init';
// in a pipelined run, a ForwardingCollector that sends lines to the main thread's), runs the tasks
// it is sent, reports raw bytes read for the progress bar, and posts its partial result when told to
// finish. A worker may be started before the run's options are known (spawn.ts): until 'init' it
// loads what most runs need.

import { parentPort } from 'node:worker_threads';
import { precompileProjector } from '../ingest/json-projection.js';
import { collectorFactory } from '../platforms.js';
import type { Collector } from '../platform.js';
import type { PlannedTask } from './plan.js';
import { pack } from './packed.js';
import { ForwardingCollector } from './forwarding-collector.js';
import { RingWriter } from './batch-ring.js';
import { runTask } from './run-task.js';
import { serializeError, type ToWorker } from './messages.js';
import { mark, ownMarks, timingEnabled, type Mark } from '../timing.js';

// Vault is the platform most runs count; Akeyless loads on 'init' when needed.
await collectorFactory('vault');
precompileProjector();
const port = parentPort!;
mark('ready');
let firstTask = true;
let collector: Promise<Collector<unknown>> | null = null;
let queue: Promise<unknown> = Promise.resolve();
/** Hands over what a pipelined run's forwarder has written (a task's records precede its 'done'). */
let flush = (): void => {};

// Progress messages are batched: one postMessage per ~8 MiB keeps their cost invisible.
const BYTES_BATCH = 8 * 1024 * 1024;
let unreported = 0;
let currentFile = '';
const onRawBytes = (n: number, file: string): void => {
  unreported += n;
  currentFile = file;
  if (unreported >= BYTES_BATCH) {
    port.postMessage({ type: 'bytes', n: unreported, file });
    unreported = 0;
  }
};

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    const options = msg.options;
    const pipe = msg.pipe;
    if (pipe) {
      // A pipelined run (pipelined.ts): this thread reads and projects, the main thread folds.
      const forwarder = new ForwardingCollector(pipe.projection, options.prefix, new RingWriter(pipe.ring, port), (m) => port.postMessage(m));
      flush = () => forwarder.flush();
      collector = Promise.resolve(forwarder);
    } else {
      collector = collectorFactory(options.platform).then((create) => create(options));
    }
  } else if (msg.type === 'task') {
    if (firstTask) mark('first task');
    firstTask = false;
    // One task at a time, in the order sent (a pipelined run queues the next one meanwhile).
    queue = queue.then(() => collector!).then((c) => runTask(msg.task as PlannedTask, c, onRawBytes)).then(
      (result) => {
        flush();
        if (unreported > 0) port.postMessage({ type: 'bytes', n: unreported, file: currentFile });
        unreported = 0;
        // A parsed block's buffer goes back for the next block (parallel/block-buffers.ts): nothing
        // here keeps it (the line splitter copies what it holds across chunks).
        const spare = (msg.task as PlannedTask).block?.bytes.buffer;
        // Phase marks so far and this task's end: a pipelined run sends no partial to carry them.
        const marks: Mark[] = timingEnabled ? [...ownMarks(), ['task read', performance.timeOrigin + performance.now()]] : [];
        if (spare instanceof ArrayBuffer && spare.byteLength > 0) port.postMessage({ type: 'done', result, spare, marks }, [spare]);
        else port.postMessage({ type: 'done', result, marks });
      },
      (e: unknown) => port.postMessage({ type: 'error', seq: msg.task.seq, error: serializeError(e) }),
    );
  } else {
    void collector!.then((c) => {
      // Packed and transferred, not cloned: see packed.ts for the memory this saves.
      mark('parsed');
      const packed = pack(c.partial());
      mark('packed');
      port.postMessage({ type: 'partial', packed, marks: ownMarks() }, packed.map((chunk) => chunk.buffer as ArrayBuffer));
    }).catch((e: unknown) => port.postMessage({ type: 'error', seq: -1, error: serializeError(e) }));
  }
});
