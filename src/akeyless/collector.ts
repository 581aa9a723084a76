// Akeyless collector (spec akeyless.md §3, §6): the RecordSink side of the platform seam. Classifies
// lines and JSON values, reports entries and malformed lines to FileStats, evaluates each event and
// keeps, per client and month, the earliest counted event. Runs in worker threads; partial() is
// plain data (partial.ts). Never keeps line contents [B2].

import type { FileStats } from '../ingest/file-stats.js';
import { INVALID, JsonProjector, ProjectorReadBuffers } from '../ingest/json-projection.js';
import type { ReadBuffers } from '../ingest/open.js';
import { compareOrder, type Order } from '../ingest/order.js';
import type { FileShape, RecordSink } from '../ingest/scan.js';
import { MonthCalendar } from '../ledger/months.js';
import { isInRange } from '../ledger/range.js';
import type { PlannedTask } from '../parallel/plan.js';
import type { Collector, RunOptions } from '../platform.js';
import { classifyLine, classifyValue, type Classified } from './classify.js';
import { AKEYLESS_EVENT_SHAPE, AKEYLESS_PER_LINE } from './event-shape.js';
import { evaluateEventA2 } from './evaluate.js';
import { readFields } from './fields.js';
import { clientKey } from './identity.js';
import { emptyCounters, type AkeylessPartial, type ClientPartial, type EventWarning, type MonthObservation } from './partial.js';

interface ClientState {
  last: Order;
  months: Map<number, MonthObservation>;
}

export class AkeylessCollector implements Collector<AkeylessPartial> {
  private readonly counters = emptyCounters();
  private readonly firsts = new Map<EventWarning, Order>();
  private readonly missingUidIds = new Map<string, Order>();
  private readonly accessTypes = new Map<string, Map<string, Order>>();
  private readonly formats = new Map<number, [number, number]>();
  private readonly clients = new Map<string, ClientState>();
  /** Month boundaries are UTC calendar months for Akeyless (§6.3): billing day 1 always. */
  private readonly calendar = new MonthCalendar(1);

  /** The JSON-line fast path (null with CLIENT_AUDITOR_FULL_PARSE=1: every line through classifyLine). */
  private readonly projector: JsonProjector | null;
  private readonly inPlace: ProjectorReadBuffers | null;

  constructor(private readonly options: RunOptions) {
    this.projector = process.env.CLIENT_AUDITOR_FULL_PARSE === '1' ? null
      : new JsonProjector(AKEYLESS_EVENT_SHAPE, { perLine: AKEYLESS_PER_LINE });
    this.inPlace = this.projector === null ? null : new ProjectorReadBuffers(this.projector);
  }

  /** Lines read into these are projected where they lie (no copy into the projector's memory). */
  readBuffers(): ReadBuffers | null {
    return this.inPlace?.lend() ?? null;
  }

  /**
   * classifyLine of the line's text, with a fast path for the usual line, one JSON object: parsed
   * through AKEYLESS_EVENT_SHAPE without decoding the line or building its other keys (toString and
   * JSON.parse were a third of an Akeyless run). Whatever the projector does not accept as JSON
   * (syslog prefixes, text events, Unicode spaces JSON does not allow, invalid JSON) takes
   * classifyLine, which decides exactly as before.
   */
  private classify(buf: Buffer, start: number, end: number): Classified {
    if (this.projector !== null) {
      let s = start;
      while (s < end && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
      if (s < end && buf[s] === 0x7b) {
        const value = this.projector.project(buf, s, end);
        if (value !== INVALID) return classifyValue(value);
      }
    }
    return classifyLine(buf.toString('utf8', start, end));
  }

  sinkFor(task: PlannedTask, stats: FileStats, shape: FileShape): RecordSink {
    const fileIndex = task.file.index;
    let fmt = this.formats.get(fileIndex);
    if (fmt === undefined) {
      fmt = [0, 0];
      this.formats.set(fileIndex, fmt);
    }
    const counts = fmt;
    const onEvent = (c: Classified, lineNo: number, offset: number, unterminated: boolean): void => {
      if (c.kind === 'malformed') {
        // A cut last line that does not parse is a file still being written (§3.1, vault.md §3.4).
        if (unterminated && !c.parsed) stats.truncated();
        else stats.malformed(lineNo, c.reason);
        return;
      }
      if (c.kind === 'json') counts[0]++;
      else counts[1]++;
      if (shape === 'lines') stats.data.format = counts[0] > 0 && counts[1] > 0 ? 'mixed' : counts[1] > 0 ? 'text' : 'jsonl';
      stats.entry('event', c.time.time);
      const order: Order = { ms: c.time.time.ms, subNs: c.time.time.subNs, file: fileIndex, offset };
      this.event(c.record, c.time.naive, order);
    };
    return {
      line: (buf, start, end, lineNo, byteOffset, unterminated) => {
        onEvent(this.classify(buf, start, end), lineNo, byteOffset, unterminated);
      },
      tooLong: (lineNo) => stats.malformed(lineNo, 'line too long'),
      // Array elements and concatenated values: the 1-based element index is the "line" (§3.1).
      value: (v, index) => onEvent(classifyValue(v), index, index, false),
      valueStreamError: (index, reason) => {
        if (reason === 'truncated') stats.truncated();
        else stats.malformed(index, 'invalid JSON');
      },
    };
  }

  private first(code: EventWarning, order: Order): void {
    const prev = this.firsts.get(code);
    if (prev === undefined || compareOrder(order, prev) < 0) this.firsts.set(code, order);
  }

  private event(record: Record<string, unknown>, naive: boolean, order: Order): void {
    const c = this.counters;
    c.events++;
    if (naive) {
      c.naiveTimestamp++;
      this.first('naive-timestamp', order);
    }
    const f = readFields(record);
    const ev = evaluateEventA2(f, isInRange(this.options.range, order), this.options.mergeHumans);
    switch (ev.outcome) {
      case 'out_of_range':
        c.outOfRange++;
        return;
      case 'status':
        c.excludedStatus++;
        if (ev.invalidStatus) {
          c.invalidStatus++;
          this.first('invalid-status', order);
        }
        return;
      case 'no_access_id':
        c.noAccessId++;
        return;
      case 'counted':
        break;
    }
    c.counted++;
    if (ev.productMissing) {
      c.missingProduct++;
      this.first('missing-product', order);
    }
    if (ev.identity.missingUniqueId) {
      c.missingUniqueId++;
      this.first('identity-without-unique-id', order);
      const prev = this.missingUidIds.get(ev.accessId);
      if (prev === undefined || compareOrder(order, prev) < 0) this.missingUidIds.set(ev.accessId, order);
    }
    if (ev.suspiciousAccessId) {
      c.suspiciousAccessId++;
      this.first('suspicious-access-id', order);
    }
    let types = this.accessTypes.get(ev.accessId);
    if (types === undefined) {
      types = new Map();
      this.accessTypes.set(ev.accessId, types);
    }
    const prevType = types.get(ev.accessType);
    if (prevType === undefined || compareOrder(order, prevType) < 0) types.set(ev.accessType, order);

    const key = clientKey(ev.product, ev.identity.tuple);
    const month = this.calendar.indexOf(order.ms);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = { last: order, months: new Map() };
      this.clients.set(key, client);
    } else if (compareOrder(order, client.last) > 0) {
      client.last = order;
    }
    const obs = client.months.get(month);
    if (obs === undefined || compareOrder(order, obs[1]) < 0) client.months.set(month, [month, order, ev.accessType, ev.accessId]);
  }

  partial(): AkeylessPartial {
    const clients: ClientPartial[] = [];
    for (const [key, s] of this.clients) clients.push({ key, last: s.last, months: [...s.months.values()] });
    const accessTypes: AkeylessPartial['accessTypes'] = [];
    for (const [id, types] of this.accessTypes) for (const [t, o] of types) accessTypes.push([id, t, o]);
    return {
      counters: { ...this.counters },
      firsts: [...this.firsts],
      missingUidAccessIds: [...this.missingUidIds],
      accessTypes,
      formats: [...this.formats].map(([i, [j, t]]) => [i, j, t]),
      clients,
    };
  }
}

export function createAkeylessCollector(options: RunOptions): Collector<AkeylessPartial> {
  return new AkeylessCollector(options);
}
