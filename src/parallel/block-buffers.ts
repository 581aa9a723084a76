// Storage for decompressed blocks (blocks.ts) that goes round: this thread fills an ArrayBuffer with
// a block and transfers it to a worker, which transfers it back once the block is parsed. A new
// 4 MiB allocation per block was freed only at a later GC: ~30 MB of dead blocks in the worker at
// peak (1.1 GB bench .gz).

/** Spare capacity per buffer, so a block a little over BLOCK_BYTES (it ends at a line end) fits. */
const SLACK_BYTES = 512 * 1024;

export class BlockBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** `keep`: how many returned buffers to hold (about the blocks in flight). */
  constructor(private readonly keep: number, private readonly blockBytes: number) {}

  /** An ArrayBuffer of at least `bytes`: a returned one when it is large enough, else a new one. */
  take(bytes: number): ArrayBuffer {
    const i = this.free.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    return new ArrayBuffer(Math.max(bytes, this.blockBytes + SLACK_BYTES));
  }

  /** A buffer a worker is done with (a detached one, of length 0, is dropped). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && this.free.length < this.keep) this.free.push(buffer);
  }
}
