// Batches of records from a worker to this thread through shared memory (ingest/projection-stream.ts
// BatchChannel): RING_SLOTS slots of SLOT_BYTES in one SharedArrayBuffer. The worker fills slots in
// turn and posts each slot's number; this thread reads the slot in its message handler and counts it
// free. A worker RING_SLOTS slots ahead waits (Atomics.wait; it has nothing else to do) until this
// thread frees one: that bounds the memory between the two, whatever their speeds.

import type { MessagePort } from 'node:worker_threads';
import type { BatchChannel } from '../ingest/projection-stream.js';

const RING_SLOTS = 8;
/** ~2,000 lines of the bench log per slot; a line's records take at most ~67 KB (LINE_RECORD_WORDS). */
const SLOT_BYTES = 512 * 1024;
/** Control words before the slots: [slots freed so far]. */
const CONTROL_BYTES = 64;
const FREED = 0;

/** Messages the writer posts (on the worker's port, in order with its other messages). */
export type RingMessage = { type: 'batch'; slot: number; words: number } | { type: 'large'; record: Int32Array };

export function createRing(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + RING_SLOTS * SLOT_BYTES);
}

const slotView = (ring: SharedArrayBuffer, slot: number): Int32Array => new Int32Array(ring, CONTROL_BYTES + slot * SLOT_BYTES, SLOT_BYTES / 4);

/** The worker's side. */
export class RingWriter implements BatchChannel {
  readonly batchWords = SLOT_BYTES / 4;
  private readonly control: Int32Array;
  private readonly slots: Int32Array[] = [];
  /** Slots acquired so far (the current one is filled % RING_SLOTS). */
  private acquired = 0;

  constructor(ring: SharedArrayBuffer, private readonly port: Pick<MessagePort, 'postMessage'>) {
    this.control = new Int32Array(ring, 0, CONTROL_BYTES / 4);
    for (let i = 0; i < RING_SLOTS; i++) this.slots.push(slotView(ring, i));
  }

  acquire(): Int32Array {
    for (;;) {
      const freed = Atomics.load(this.control, FREED);
      if (this.acquired - freed < RING_SLOTS) break;
      Atomics.wait(this.control, FREED, freed);
    }
    return this.slots[this.acquired++ % RING_SLOTS]!;
  }

  post(words: number): void {
    const msg: RingMessage = { type: 'batch', slot: (this.acquired - 1) % RING_SLOTS, words };
    this.port.postMessage(msg);
  }

  postLarge(record: Int32Array): void {
    const msg: RingMessage = { type: 'large', record };
    this.port.postMessage(msg, [record.buffer as ArrayBuffer]);
  }
}

/** This thread's side. */
export class RingReader {
  private readonly control: Int32Array;
  private readonly slots: { words: Int32Array; bytes: Buffer }[] = [];

  constructor(ring: SharedArrayBuffer) {
    this.control = new Int32Array(ring, 0, CONTROL_BYTES / 4);
    for (let i = 0; i < RING_SLOTS; i++) {
      const words = slotView(ring, i);
      this.slots.push({ words, bytes: Buffer.from(words.buffer, words.byteOffset, words.byteLength) });
    }
  }

  slot(i: number): { words: Int32Array; bytes: Buffer } {
    return this.slots[i]!;
  }

  /** The oldest slot handed over is read: the writer may fill it again. */
  release(): void {
    Atomics.add(this.control, FREED, 1);
    Atomics.notify(this.control, FREED);
  }
}
