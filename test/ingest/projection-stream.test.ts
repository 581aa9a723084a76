// A projection stream (src/ingest/projection-stream.ts) carries lines from the thread that projects
// them to the one that folds them: every line must come out either as the projection JsonProjector
// would return (which equals pruneToShape(JSON.parse)) or as its exact bytes, in order, with its line
// number, byte offset and unterminated flag, whatever the batch size and however often the intern
// store is emptied.

import { describe, expect, it } from 'vitest';
import { INVALID, JsonProjector, LONG_LINE, pruneToShape, type Shape } from '../../src/ingest/json-projection.js';
import { ProjectionStreamReader, ProjectionStreamWriter, type BatchChannel } from '../../src/ingest/projection-stream.js';
import { parseEventTime, type EventTime } from '../../src/ingest/time.js';
import { VAULT_ENTRY_SHAPE, VAULT_PER_LINE, VAULT_TIME } from '../../src/vault/entry-shape.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { ADVERSARIAL, dropUndefined, fixtureLines, reference } from '../helpers/projection-cases.js';

/** Batches kept in memory, in the order posted (a large record is a batch of its own). */
class MemoryChannel implements BatchChannel {
  readonly batches: { words: Int32Array; count: number }[] = [];
  private current: Int32Array | null = null;
  larges = 0;
  constructor(readonly batchWords: number) {}
  acquire(): Int32Array {
    this.current = new Int32Array(this.batchWords);
    return this.current;
  }
  post(words: number): void {
    this.batches.push({ words: this.current!, count: words });
  }
  postLarge(record: Int32Array): void {
    this.larges++;
    this.batches.push({ words: record, count: record.length });
  }
}

type Event =
  | { kind: 'projected'; value: unknown; lineNo: number; byteOffset: number; unterminated: boolean; time: EventTime | null }
  | { kind: 'raw'; bytes: Buffer; lineNo: number; byteOffset: number; unterminated: boolean }
  | { kind: 'task'; seq: number; shape: string }
  | { kind: 'tooLong'; lineNo: number; byteOffset: number };

function readAll(channel: MemoryChannel, shape: Shape): Event[] {
  const reader = new ProjectionStreamReader(shape);
  const events: Event[] = [];
  for (const b of channel.batches) {
    reader.read(b.words, Buffer.from(b.words.buffer, b.words.byteOffset, b.words.byteLength), b.count, {
      task: (seq, s) => events.push({ kind: 'task', seq, shape: s }),
      projected: (value, lineNo, byteOffset, unterminated, time) => events.push({ kind: 'projected', value, lineNo, byteOffset, unterminated, time }),
      // Copied: the bytes are the batch's, which the ring reuses.
      raw: (buf, start, end, lineNo, byteOffset, unterminated) =>
        events.push({ kind: 'raw', bytes: Buffer.from(buf.subarray(start, end)), lineNo, byteOffset, unterminated }),
      tooLong: (lineNo, byteOffset) => events.push({ kind: 'tooLong', lineNo, byteOffset }),
    });
  }
  return events;
}

/** Sends `lines` (each inside a larger buffer, as the reader has them) and reads them back. */
function roundTrip(lines: Buffer[], shape: Shape, batchWords = 64 * 1024, perLine: readonly (readonly string[])[] = [],
  time?: readonly string[]): { events: Event[]; channel: MemoryChannel; projector: JsonProjector } {
  const projector = new JsonProjector(shape, { perLine, time });
  const channel = new MemoryChannel(batchWords);
  const writer = new ProjectionStreamWriter(projector, channel);
  writer.taskStart(7, 'lines');
  lines.forEach((line, i) => {
    const buf = Buffer.concat([Buffer.from('x\n'), line, Buffer.from('\n{"type":"next"}')]);
    writer.line(buf, 2, 2 + line.length, 2, i + 1, i * 1000, i % 5 === 4);
  });
  writer.flush();
  return { events: readAll(channel, shape), channel, projector };
}

/**
 * Every line came out in order, projected as the reference says or as its own bytes; a projected
 * line's event time, when the stream carried one, is what parseEventTime makes of its `time`.
 */
function expectExact(lines: Buffer[], events: Event[], shape: Shape): { projected: number; raw: number; timed: number } {
  expect(events[0]).toEqual({ kind: 'task', seq: 7, shape: 'lines' });
  const out = events.slice(1);
  expect(out.length).toBe(lines.length);
  let projected = 0;
  let raw = 0;
  let timed = 0;
  out.forEach((e, i) => {
    const text = lines[i]!.toString('utf8');
    if (e.kind === 'projected') {
      projected++;
      const want = reference(text, shape);
      expect(want, `line ${i + 1} was projected but JSON.parse rejects it`).not.toBe(INVALID);
      expect(dropUndefined(e.value), `line ${i + 1}: ${text.slice(0, 200)}`).toStrictEqual(want);
      if (e.time !== null) {
        timed++;
        expect(e.time, `line ${i + 1} time`).toEqual(parseEventTime((want as { time: string }).time));
      }
    } else if (e.kind === 'raw') {
      raw++;
      expect(e.bytes.equals(lines[i]!), `line ${i + 1} bytes`).toBe(true);
    } else {
      throw new Error(`unexpected ${e.kind}`);
    }
    expect([e.lineNo, e.byteOffset, e.unterminated]).toEqual([i + 1, i * 1000, i % 5 === 4]);
  });
  return { projected, raw, timed };
}

describe('projection stream: every line arrives as its projection or its bytes', () => {
  it('fixture lines, Vault shape: the same projections as JSON.parse, nearly all carried as records', () => {
    const lines = fixtureLines().map((l) => Buffer.from(l.line));
    const { events } = roundTrip(lines, VAULT_ENTRY_SHAPE, 64 * 1024, VAULT_PER_LINE, VAULT_TIME);
    const { projected, raw, timed } = expectExact(lines, events, VAULT_ENTRY_SHAPE);
    // The records are the fast path: a bug sending every line as bytes would still be exact.
    expect(projected).toBeGreaterThan(lines.length * 0.9);
    expect(projected + raw).toBe(lines.length);
    // So is the parsed time (a bug that never parses one would still be exact).
    expect(timed).toBeGreaterThan(projected * 0.9);
  });

  it('adversarial lines (invalid JSON, escaped keys, non-objects, unicode): exact, invalid ones as bytes', () => {
    const lines = ADVERSARIAL.map((t) => Buffer.from(t, 'utf8'));
    const { events } = roundTrip(lines, VAULT_ENTRY_SHAPE, 64 * 1024, VAULT_PER_LINE);
    expectExact(lines, events, VAULT_ENTRY_SHAPE);
    events.slice(1).forEach((e, i) => {
      if (reference(ADVERSARIAL[i]!, VAULT_ENTRY_SHAPE) === INVALID) expect(e.kind, ADVERSARIAL[i]).toBe('raw');
    });
  });

  it('values the records cannot carry (over 512 bytes; non-ASCII per-line values) send their line as bytes', () => {
    const long = `{"type":"request","time":"t","auth":{"client_token":"${'L'.repeat(600)}"}}`;
    const nonAscii = '{"type":"request","time":"2024-01-01T00:00:00Z","request":{"path":"sys/ünïcode"}}';
    const plain = '{"type":"request","time":"2024-01-01T00:00:00Z","auth":{"display_name":"naïve ✓"}}';
    const lines = [long, nonAscii, plain].map((t) => Buffer.from(t, 'utf8'));
    const { events } = roundTrip(lines, VAULT_ENTRY_SHAPE, 64 * 1024, VAULT_PER_LINE);
    expectExact(lines, events, VAULT_ENTRY_SHAPE);
    expect(events.slice(1).map((e) => e.kind)).toEqual(['raw', 'raw', 'projected']);
  });

  it('seeded mutants of real lines, batches of 2,000 words: exact, and lines longer than a batch go as large records', () => {
    const sources = fixtureLines().filter((l) => l.line.length < 4000).map((l) => l.line);
    const rnd = mulberry32(20261206);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const lines: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      let b = Buffer.from(sources[pick(sources.length)]!);
      const at = pick(b.length + 1);
      switch (pick(4)) {
        case 0: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(4)))]); break;
        case 1: if (at < b.length) b[at] = 0x80 + pick(0x80); break;
        case 2: b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + pick(40)), b.subarray(at)]); break;
        default: break;
      }
      lines.push(b);
    }
    lines.push(Buffer.from(`{"type":"request","time":"t","request":{"data":"${'d'.repeat(20_000)}","path":"p"}}`));
    lines.push(Buffer.from(`not json ${'n'.repeat(30_000)}`));
    // Over LONG_LINE: projected by a projector of its own, its values carried in the table.
    lines.push(Buffer.from(`{"type":"request","time":"2025-03-01T10:00:00.5Z","auth":{"client_token":"tok"},"request":{"data":"${'d'.repeat(LONG_LINE)}","path":"p"}}`));
    const { events, channel } = roundTrip(lines, VAULT_ENTRY_SHAPE, 2000, VAULT_PER_LINE, VAULT_TIME);
    const { timed } = expectExact(lines, events, VAULT_ENTRY_SHAPE);
    expect(timed).toBeGreaterThan(1000);
    expect(channel.batches.length).toBeGreaterThan(100);
    expect(channel.larges).toBe(1); // the 30 KB line the wasm rejects; the 20 KB one is projected
    const last = events[events.length - 1]!;
    // The line over LONG_LINE (its own projector) carries its time too.
    expect(last.kind === 'projected' && last.time).toEqual({ ms: Date.UTC(2025, 2, 1, 10, 0, 0, 500), subNs: 0 });
  });

  it('long lines in a row (one projector kept for them): each exact, with its own values and time', () => {
    const long = (fields: string, pad: number): Buffer => Buffer.from(`{"type":"request",${fields},"request":{"data":"${'d'.repeat(pad)}"}}`);
    const lines = [
      long('"time":"2025-03-01T10:00:00Z","auth":{"client_token":"first","policies":["a","b"]}', LONG_LINE * 2),
      long('"time":"2025-03-02T11:00:00.25Z","request":{"path":"second"}', LONG_LINE + 10),
      Buffer.from(`{"type":"request","time":"2025-03-03T00:00:00Z","data":"${'x'.repeat(LONG_LINE)}",}`), // invalid: as bytes
      long('"time":"not a time","auth":{"entity_id":"third"}', LONG_LINE + 500),
      Buffer.from('{"type":"response","time":"2025-03-04T00:00:00Z"}'),
    ];
    const { events } = roundTrip(lines, VAULT_ENTRY_SHAPE, 64 * 1024, VAULT_PER_LINE, VAULT_TIME);
    const { timed } = expectExact(lines, events, VAULT_ENTRY_SHAPE);
    expect(events.slice(1).map((e) => e.kind)).toEqual(['projected', 'projected', 'raw', 'projected', 'projected']);
    expect(timed).toBe(3); // "not a time" is left to parseEventTime
  });

  it('a line whose own records exceed a batch (new interned values) goes as a large record, in order', () => {
    // Seven new 400-byte values: their intern records and the line take ~720 words, over a 300-word
    // batch; the lines around them fit, so the batch before is handed over first.
    const shape: Shape = { a: true, b: true, c: true, d: true, e: true, f: true, g: true, n: true };
    const wide = (tag: string): string => JSON.stringify(Object.fromEntries('abcdefg'.split('').map((k) => [k, `${tag}${k}`.padEnd(400, k)])));
    const lines = ['{"n":1}', wide('x'), '{"n":2}', '{"n":3,"a":"short"}', wide('y'), wide('x'), '{"n":4}'].map((t) => Buffer.from(t));
    const { events, channel } = roundTrip(lines, shape, 300);
    expectExact(lines, events, shape);
    expect(events.slice(1).every((e) => e.kind === 'projected')).toBe(true);
    // The second x line reuses the values of the first: its records fit a batch.
    expect(channel.larges).toBe(2);
  });

  it('stays exact when the intern store fills and is emptied (200,000 distinct values, then repeats)', () => {
    const shape: Shape = { s: true, o: { k: true }, n: true };
    const rnd = mulberry32(11);
    const lines: Buffer[] = [];
    for (let i = 0; i < 200_000; i++) {
      const id = i < 150_000 ? i : Math.floor(rnd() * 150_000);
      lines.push(Buffer.from(`{"s":"token-${id}","o":{"k":"k${id % 1000}"},"n":${id % 7}}`));
    }
    const { events, projector } = roundTrip(lines, shape);
    expect(projector.output().state[1]).toBeGreaterThan(0); // the store was emptied at least once
    const out = events.slice(1);
    expect(out.length).toBe(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const e = out[i]!;
      const want = pruneToShape(JSON.parse(lines[i]!.toString()), shape) as { s: string; o: { k: string }; n: number };
      const got = e.kind === 'projected' ? (e.value as typeof want) : null;
      if (got === null || got.s !== want.s || got.o.k !== want.o.k || got.n !== want.n) {
        expect(e.kind === 'projected' ? dropUndefined(e.value) : e.kind, `line ${i + 1}`).toStrictEqual(want);
      }
    }
  });

  it('carries task starts, over-long lines, byte offsets past 4 GiB and lines read into the projector\'s own memory', () => {
    const projector = new JsonProjector(VAULT_ENTRY_SHAPE, { perLine: VAULT_PER_LINE });
    const [readBuffer] = projector.readBuffers(2, 64 * 1024);
    const channel = new MemoryChannel(1024);
    const writer = new ProjectionStreamWriter(projector, channel);
    const line = '{"type":"request","time":"2024-05-01T00:00:00Z","auth":{"client_token":"hmac-sha256:abc"}}';
    const at = readBuffer!.write(`x${line}\n`, 0) - 1 - line.length;
    writer.taskStart(3, 'json-array');
    writer.line(readBuffer!, at, at + line.length, at, 9, 5 * 2 ** 32 + 17, false);
    writer.tooLong(10, 2 ** 40);
    writer.taskStart(4, 'json-stream');
    writer.line(Buffer.from(`prefix ${line}`), 0, 7 + line.length, -1, 1, 0, true);
    writer.flush();
    const events = readAll(channel, VAULT_ENTRY_SHAPE);
    expect(events.map((e) => e.kind)).toEqual(['task', 'projected', 'tooLong', 'task', 'raw']);
    expect(events[0]).toEqual({ kind: 'task', seq: 3, shape: 'json-array' });
    const p = events[1] as Extract<Event, { kind: 'projected' }>;
    expect([p.lineNo, p.byteOffset, p.unterminated]).toEqual([9, 5 * 2 ** 32 + 17, false]);
    expect(dropUndefined(p.value)).toStrictEqual(pruneToShape(JSON.parse(line), VAULT_ENTRY_SHAPE));
    expect(events[2]).toEqual({ kind: 'tooLong', lineNo: 10, byteOffset: 2 ** 40 });
    expect(events[3]).toEqual({ kind: 'task', seq: 4, shape: 'json-stream' });
    const r = events[4] as Extract<Event, { kind: 'raw' }>;
    expect([r.bytes.toString(), r.lineNo, r.byteOffset, r.unterminated]).toEqual([`prefix ${line}`, 1, 0, true]);
  });
});
