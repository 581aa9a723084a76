// The worker's collector in a pipelined run (pipelined.ts): it folds nothing. It reads and projects
// lines for the collector on the main thread and forwards them as a projection stream
// (ingest/projection-stream.ts) through the batch ring; elements of JSON arrays and value streams,
// which stream-json parses here, go as messages of their own, pruned to the shape.

import type { FileStats } from '../ingest/file-stats.js';
import { JsonProjector, ProjectorReadBuffers, pruneToShape } from '../ingest/json-projection.js';
import { jsonStart } from '../ingest/json-start.js';
import type { ReadBuffers } from '../ingest/open.js';
import { ProjectionStreamWriter, type BatchChannel } from '../ingest/projection-stream.js';
import type { FileShape, RecordSink } from '../ingest/scan.js';
import type { Collector, LineProjection } from '../platform.js';
import type { PlannedTask } from './plan.js';

/** Messages besides the ring's, posted in order with them. */
export type ForwardedMessage =
  | { type: 'value'; value: unknown; index: number }
  | { type: 'valueError'; index: number; reason: string; atEnd: boolean };

export class ForwardingCollector implements Collector<null> {
  private readonly projector: JsonProjector;
  private readonly buffers: ProjectorReadBuffers;
  private readonly writer: ProjectionStreamWriter;
  private readonly prefix: Buffer | null;

  constructor(private readonly projection: LineProjection, prefix: string | null, channel: BatchChannel,
    private readonly post: (msg: ForwardedMessage) => void) {
    this.projector = new JsonProjector(projection.shape, { perLine: projection.perLine, time: projection.time });
    this.buffers = new ProjectorReadBuffers(this.projector);
    this.writer = new ProjectionStreamWriter(this.projector, channel);
    this.prefix = prefix === null ? null : Buffer.from(prefix, 'utf8');
  }

  readBuffers(): ReadBuffers | null {
    return this.buffers.lend();
  }

  sinkFor(task: PlannedTask, _stats: FileStats, shape: FileShape): RecordSink {
    const writer = this.writer;
    const prefix = this.prefix;
    writer.taskStart(task.seq, shape);
    return {
      line: (buf, start, end, lineNo, byteOffset, unterminated) =>
        writer.line(buf, start, end, jsonStart(buf, start, end, prefix), lineNo, byteOffset, unterminated),
      tooLong: (lineNo, byteOffset) => writer.tooLong(lineNo, byteOffset),
      value: (v, index) => {
        writer.flush();
        this.post({ type: 'value', value: pruneToShape(v, this.projection.shape), index });
      },
      valueStreamError: (index, reason, atEnd) => {
        writer.flush();
        this.post({ type: 'valueError', index, reason, atEnd });
      },
    };
  }

  /** Hands over every record written: at the end of each task, before its result is posted. */
  flush(): void {
    this.writer.flush();
  }

  partial(): null {
    return null;
  }
}
