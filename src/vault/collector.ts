// The Vault collector: runs beside the reader (worker thread or inline) and folds every audit entry
// into a VaultPartial. It frames and parses lines (§3.2-§3.4 [V1] [B1]), applies the countability
// rules [V3] to requests, registers issuing responses [V6], learns token-mount accessors (§7.4) and
// collects KMIP serials [V10]. Decisions needing the whole input (registry joins, attribution, client
// ids of non-entity tokens) wait for finish.ts.

import type { FileStats } from '../ingest/file-stats.js';
import type { FileShape, RecordSink } from '../ingest/scan.js';
import { INVALID, JsonProjector, ProjectorReadBuffers } from '../ingest/json-projection.js';
import type { ReadBuffers } from '../ingest/open.js';
import { compareOrder, keepEarliestIn, type Order } from '../ingest/order.js';
import { parseEventTime, type EventTime } from '../ingest/time.js';
import { MonthCalendar } from '../ledger/months.js';
import { isInRange } from '../ledger/range.js';
import type { PlannedTask } from '../parallel/plan.js';
import type { Collector, LineProjection, RunOptions } from '../platform.js';
import { jsonStart } from '../ingest/json-start.js';
import { exclusionOf, isLoginPath, policyListOf } from './countable.js';
import { normaliseNamespace, type Namespace } from './namespace.js';
import {
  emptyRequestStats, type Creation, type OrderedRegistration,
  type RequestStats, type UsageFacts, type VaultPartial,
} from './partial.js';
import { MountCandidates } from './mount-candidates.js';
import { UsageTable } from './usage-table.js';
import { VAULT_ENTRY_SHAPE, VAULT_PER_LINE, VAULT_TIME } from './entry-shape.js';
import { isIssuingPath, isTokenCreatePath, registrationOf } from './registration.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const HMAC_PREFIX = 'hmac-sha256:';
const SEP = '\u0000';

/** Malformed-line reasons of spec §3.4. */
export const REASON = {
  noJson: 'no JSON object on line',
  invalidJson: 'invalid JSON',
  notObject: 'not a JSON object',
  missingType: 'missing type',
  badTime: 'missing or invalid time',
  noPrefix: 'prefix not found',
  tooLong: 'line too long',
} as const;

const ENTRY_KINDS = new Set(['request', 'response', 'kmip-request', 'kmip-response']);

export class VaultCollector implements Collector<VaultPartial> {
  private readonly calendar: MonthCalendar;
  private readonly usages = new UsageTable();
  private readonly responseUsages = new UsageTable();
  private requestEntries = 0;
  private readonly requestStats = emptyRequestStats();
  private readonly responseStats = emptyRequestStats();
  private readonly tokens = new Map<string, OrderedRegistration>();
  private readonly accessors = new Map<string, OrderedRegistration>();
  private readonly mounts = new MountCandidates();
  private readonly tokenMountAccessors = new Map<string, { order: Order; accessor: string }>();
  private readonly accessorTokens = new Map<string, { order: Order; token: string }>();
  private readonly kmip = new Map<string, Set<number>>();
  private readonly kmipResponses = new Map<string, Set<number>>();
  private kmipWithoutSerial = 0;
  private kmipResponsesWithoutSerial = 0;
  private kmipRequestEntries = 0;
  private readonly creations = new Map<string, Creation>();
  private namespacesWithoutId = 0;
  private otherEntries = 0;
  private unhashedTokens = false;
  private firstInRange: Order | null = null;
  private lastInRange: Order | null = null;
  private readonly prefix: Buffer | null;
  private readonly parse: (buf: Buffer, start: number, end: number) => unknown;
  /** The event time of the line parse() returned last, when the projector parsed it (else null). */
  private readonly parsedTime: () => EventTime | null;
  /** Read buffers inside the fast path's projector (null with CLIENT_AUDITOR_FULL_PARSE=1). */
  private readonly inPlace: ProjectorReadBuffers | null;

  constructor(private readonly options: RunOptions) {
    this.calendar = new MonthCalendar(options.billingDay);
    this.prefix = options.prefix === null ? null : Buffer.from(options.prefix, 'utf8');
    if (process.env.CLIENT_AUDITOR_FULL_PARSE === '1') {
      this.inPlace = null;
      this.parse = parseFully;
      this.parsedTime = () => null;
    } else {
      const projector = new JsonProjector(VAULT_ENTRY_SHAPE, { perLine: VAULT_PER_LINE, time: VAULT_TIME });
      this.inPlace = new ProjectorReadBuffers(projector);
      this.parse = (buf, start, end) => projector.project(buf, start, end);
      this.parsedTime = () => projector.parsedTime();
    }
  }

  /**
   * What a thread reading lines for this collector projects them on (parallel/pipelined.ts); null with
   * CLIENT_AUDITOR_FULL_PARSE=1, which parses every line whole here.
   */
  lineProjection(): LineProjection | null {
    return this.inPlace === null ? null : { shape: VAULT_ENTRY_SHAPE, perLine: VAULT_PER_LINE, time: VAULT_TIME };
  }

  /** Lines read into these are projected where they lie (no copy into the projector's memory). */
  readBuffers(): ReadBuffers | null {
    return this.inPlace?.lend() ?? null;
  }

  sinkFor(task: PlannedTask, stats: FileStats, shape: FileShape): RecordSink {
    stats.data.format = shape === 'lines' ? 'jsonl' : shape;
    const fileIndex = task.file.index;
    const seq = task.seq;
    const fail = (lineNo: number, reason: string, unterminated: boolean): void => {
      // A last line without its newline that does not parse is a file still being written (§3.4).
      if (unterminated) stats.truncated();
      else stats.malformed(lineNo, reason);
    };
    /**
     * A parsed line, with its time when the projector parsed it; lines another thread found the JSON
     * text of and projected come here directly.
     */
    const projected = (value: unknown, lineNo: number, byteOffset: number, unterminated: boolean, time: EventTime | null): void => {
      const reason = this.entry(value, stats, fileIndex, byteOffset, seq, lineNo, time);
      if (reason !== null) fail(lineNo, reason, unterminated);
    };
    return {
      line: (buf, start, end, lineNo, byteOffset, unterminated) => {
        const from = jsonStart(buf, start, end, this.prefix);
        if (from < 0) return fail(lineNo, this.prefix !== null ? REASON.noPrefix : REASON.noJson, unterminated);
        const value = this.parse(buf, from, end);
        if (value === INVALID) return fail(lineNo, REASON.invalidJson, unterminated);
        projected(value, lineNo, byteOffset, unterminated, this.parsedTime());
      },
      projected,
      tooLong: (lineNo) => stats.malformed(lineNo, REASON.tooLong),
      value: (v, index) => {
        const reason = this.entry(v, stats, fileIndex, index, seq, index, null);
        if (reason !== null) stats.malformed(index, reason);
      },
      valueStreamError: (index, reason, atEnd) => {
        if (reason === 'truncated' && atEnd) stats.truncated();
        else stats.malformed(index, REASON.invalidJson);
      },
    };
  }

  /**
   * Folds one parsed value; returns a malformed reason or null. `parsed`: its time as the projector
   * parsed it (exactly what parseEventTime returns for e.time), or null to parse it here.
   */
  private entry(value: unknown, stats: FileStats, file: number, offset: number, seq: number, lineNo: number,
    parsed: EventTime | null): string | null {
    const e = obj(value);
    if (e === null) return REASON.notObject;
    const type = e.type;
    if (typeof type !== 'string') return REASON.missingType;
    const timeText = e.time;
    const time = parsed ?? (typeof timeText === 'string' ? parseEventTime(timeText) : null);
    if (time === null) return REASON.badTime;
    const kind = ENTRY_KINDS.has(type) ? type : 'other';
    stats.entry(kind, time);
    const order: Order = { ms: time.ms, subNs: time.subNs, file, offset };
    const inRange = isInRange(this.options.range, time);
    if (inRange) {
      if (this.firstInRange === null || compareOrder(order, this.firstInRange) < 0) this.firstInRange = order;
      if (this.lastInRange === null || compareOrder(order, this.lastInRange) > 0) this.lastInRange = order;
    }
    const request = obj(e.request);
    const ns = normaliseNamespace(request?.namespace);
    if (ns.withoutId) this.namespacesWithoutId++;
    switch (kind) {
      case 'request':
        this.requestEntries++;
        this.learnTokenMount(request, null, ns, order);
        this.use(e, request, ns, obj(e.auth), time, order, inRange, this.usages, this.requestStats, seq, lineNo);
        break;
      case 'response': {
        const response = obj(e.response);
        this.learnTokenMount(request, response, ns, order);
        this.register(request, response, ns, time, order, inRange);
        // Response-only mode (§5.1) needs responses as usages, but only while no request was seen.
        if (this.requestEntries === 0) {
          this.use(e, request, ns, obj(e.auth), time, order, inRange, this.responseUsages, this.responseStats, -1, lineNo);
        }
        break;
      }
      case 'kmip-request':
        this.kmipRequestEntries++;
        if (inRange) this.kmipWithoutSerial += this.kmipUse(e, request, time, this.kmip);
        break;
      case 'kmip-response':
        if (inRange) this.kmipResponsesWithoutSerial += this.kmipUse(e, request, time, this.kmipResponses);
        break;
      default:
        this.otherEntries++;
    }
    return null;
  }

  private checkHashed(v: string): void {
    if (v !== '' && !this.unhashedTokens && !v.startsWith(HMAC_PREFIX)) this.unhashedTokens = true;
  }

  /**
   * A request (or, in response-only mode, a response) as a possible client use [V3], at line `lineNo`
   * of task `seq`; seq < 0 keeps no line reference (responses never give the client-id-mismatch warning).
   */
  private use(e: Obj, request: Obj | null, ns: Namespace, auth: Obj | null, time: EventTime, order: Order, inRange: boolean,
    table: UsageTable, stats: RequestStats, seq: number, lineNo: number): void {
    const authToken = str(auth?.client_token);
    const reqToken = str(request?.client_token);
    const accessor = str(auth?.accessor) || str(request?.client_token_accessor);
    // vault-1.8 keys tokens by HMAC and maps an accessor to its token where any entry shows both.
    if (this.options.profile === 'vault-1.8' && accessor !== '' && (authToken !== '' || reqToken !== '')) {
      keepEarliestIn(this.accessorTokens, accessor, { order, token: authToken || reqToken });
    }
    if (!inRange) {
      stats.out_of_range++;
      return;
    }
    this.checkHashed(authToken);
    this.checkHashed(reqToken);
    this.checkHashed(accessor);
    const policies = policyListOf(auth);
    const profile = this.options.profile;
    const reason = exclusionOf({
      // Rule a names auth.client_token, auth.accessor and request.client_token only;
      // request.client_token_accessor serves the registry join, not token presence.
      hasToken: authToken !== '' || str(auth?.accessor) !== '' || reqToken !== '',
      error: str(e.error),
      policyDenied: obj(auth?.policy_results)?.allowed === false,
      path: str(request?.path),
      policies,
    }, profile);
    if (reason !== null) {
      stats[reason]++;
      return;
    }
    stats.countable++;
    if (profile === 'vault-1.6') return; // 1.6 counts at token creation, not on use
    const facts: UsageFacts = {
      entityId: str(auth?.entity_id),
      loggedId: str(request?.client_id),
      policies,
      authToken, reqToken, accessor,
      nsId: ns.id, nsPath: ns.path,
      displayName: str(auth?.display_name),
    };
    const month = profile === 'legacy-auditor' ? 0 : this.calendar.indexOf(time.ms);
    // Passed as the entry has it (a string, or anything else for none): the usage table reads and
    // converts it only when it stores it (converting per request was 2% of run time).
    table.add(facts, month, order, auth?.token_issue_time, seq, lineNo);
  }

  /** Token registry [V6]: responses that issue a token (logins, auth/token/create*). */
  private register(request: Obj | null, response: Obj | null, ns: Namespace, time: EventTime, order: Order, inRange: boolean): void {
    const rauth = obj(response?.auth);
    const token = str(rauth?.client_token);
    const path = str(request?.path);
    const accessor = str(rauth?.accessor);
    this.checkHashed(token);
    this.checkHashed(accessor);
    if (this.options.profile === 'vault-1.8' && token !== '' && accessor !== '') {
      keepEarliestIn(this.accessorTokens, accessor, { order, token });
    }
    const wrapToken = str(obj(response?.wrap_info)?.token);
    this.checkHashed(wrapToken);
    if (token === '' || !isIssuingPath(path)) {
      if (wrapToken !== '') this.wrappingCreation(ns, wrapToken, time, order, inRange);
      return;
    }
    const reg = registrationOf(ns, path, str(request?.mount_point), str(request?.mount_accessor),
      str(response?.mount_accessor), str(request?.mount_type), str(response?.mount_type), rauth?.token_issue_time, time);
    // A literal, not a spread: `{ ...reg, order }` gave every registration its own hidden class
    // (measured: 17k maps and descriptor arrays, ~5 MB, after 1.1 GB).
    const ordered: OrderedRegistration = {
      nsId: reg.nsId, nsPath: reg.nsPath, mountPath: reg.mountPath, mountAccessor: reg.mountAccessor,
      mountType: reg.mountType, tokenStore: reg.tokenStore, issueTime: reg.issueTime, order,
    };
    keepEarliestIn(this.tokens, token, ordered);
    if (accessor !== '') keepEarliestIn(this.accessors, accessor, ordered);
    if (reg.mountPath !== null) {
      this.mounts.fold(ns.id, reg.mountPath, reg.mountAccessor, reg.mountAccessor !== '' ? order : null,
        reg.mountType, reg.mountType !== '' ? order : null);
    }
    if (this.options.profile === 'vault-1.6' && inRange) {
      // vault-1.6 counted every login and token-create response at creation (§14.1).
      const entityId = str(rauth?.entity_id);
      const isCreation = isTokenCreatePath(path) || isLoginPath(path);
      if (isCreation) {
        this.addCreation({
          key: entityId !== '' ? entityId : token, isEntity: entityId !== '', isWrapping: false,
          month: this.calendar.indexOf(time.ms), order, registration: reg,
        });
      }
    }
    if (wrapToken !== '') this.wrappingCreation(ns, wrapToken, time, order, inRange);
  }

  private wrappingCreation(ns: Namespace, wrapToken: string, time: EventTime, order: Order, inRange: boolean): void {
    if (this.options.profile !== 'vault-1.6' || !inRange) return;
    this.addCreation({
      key: wrapToken, isEntity: false, isWrapping: true, month: this.calendar.indexOf(time.ms), order,
      registration: {
        nsId: ns.id, nsPath: ns.path, mountPath: 'auth/token/', mountAccessor: '',
        mountType: ns.id === 'root' ? 'token' : 'ns_token', tokenStore: true, issueTime: '',
      },
    });
  }

  private addCreation(c: Creation): void {
    keepEarliestIn(this.creations, c.key + SEP + c.month, c);
  }

  /** §7.4: the first token/ns_token mount accessor seen in each namespace (request's mount first). */
  private learnTokenMount(request: Obj | null, response: Obj | null, ns: Namespace, order: Order): void {
    if (!this.learnMount(request?.mount_type, request?.mount_accessor, ns, order) && response !== null) {
      this.learnMount(response.mount_type, response.mount_accessor, ns, order);
    }
  }

  private learnMount(type: unknown, acc: unknown, ns: Namespace, order: Order): boolean {
    if ((type !== 'token' && type !== 'ns_token') || typeof acc !== 'string' || acc === '') return false;
    keepEarliestIn(this.tokenMountAccessors, ns.id, { order, accessor: acc });
    return true;
  }

  /** KMIP clients [V10]: distinct certificate serials per month; returns 1 when no serial. */
  private kmipUse(e: Obj, request: Obj | null, time: EventTime, into: Map<string, Set<number>>): number {
    const serial = str(request?.client_certificate_serial_number) || str(e.client_certificate_serial_number);
    if (serial === '') return 1;
    let months = into.get(serial);
    if (months === undefined) {
      months = new Set();
      into.set(serial, months);
    }
    months.add(this.calendar.indexOf(time.ms));
    return 0;
  }

  partial(): VaultPartial {
    const setEntries = (m: Map<string, Set<number>>): [string, number[]][] => [...m].map(([k, s]) => [k, [...s]]);
    const tokens = [...this.tokens];
    const tokenIndex = new Map<OrderedRegistration, number>();
    for (let i = 0; i < tokens.length; i++) tokenIndex.set(tokens[i]![1], i);
    const accessors: VaultPartial['accessors'] = [];
    for (const [accessor, r] of this.accessors) accessors.push([accessor, tokenIndex.get(r) ?? r]);
    return {
      usages: this.usages.values(),
      responseUsages: this.requestEntries === 0 ? this.responseUsages.values() : [],
      requestEntries: this.requestEntries,
      requestStats: this.requestStats,
      responseStats: this.responseStats,
      tokens,
      accessors,
      mounts: this.mounts.values(),
      tokenMountAccessors: [...this.tokenMountAccessors],
      accessorTokens: [...this.accessorTokens],
      kmip: setEntries(this.kmip),
      kmipWithoutSerial: this.kmipWithoutSerial,
      kmipResponses: setEntries(this.kmipResponses),
      kmipResponsesWithoutSerial: this.kmipResponsesWithoutSerial,
      kmipRequestEntries: this.kmipRequestEntries,
      creations: [...this.creations.values()],
      namespacesWithoutId: this.namespacesWithoutId,
      otherEntries: this.otherEntries,
      unhashedTokens: this.unhashedTokens,
      firstInRange: this.firstInRange,
      lastInRange: this.lastInRange,
    };
  }
}

/**
 * CLIENT_AUDITOR_FULL_PARSE=1: JSON.parse every line whole, as before the projector. The reference
 * the projection is checked against (test/vault/entry-shape.test.ts), and a way for users who suspect
 * the fast path to check it: a field read here but missing from the shape would change the report.
 */
function parseFully(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return INVALID;
  }
}

export function createVaultCollector(options: RunOptions): VaultCollector {
  return new VaultCollector(options);
}
