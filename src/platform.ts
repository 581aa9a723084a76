// The seam between vendor-neutral machinery (ingest, parallel, ledger, cli) and a vendor's rules.
// A platform supplies a Collector that runs next to the reader (in a worker thread or inline) and
// turns records into a compact, structured-cloneable partial result; the main thread merges the
// partials of all tasks, in task order, with the platform's own finish step. Nothing here imports
// a vendor module except the registry in platforms.ts.

import type { FileStats } from './ingest/file-stats.js';
import type { ReadBuffers } from './ingest/open.js';
import type { Shape } from './ingest/json-projection.js';
import type { FileShape, RecordSink } from './ingest/scan.js';
import type { TimeRange } from './ledger/range.js';
import type { PlannedTask } from './parallel/plan.js';

export type PlatformName = 'vault' | 'akeyless';

export const VAULT_PROFILES = ['current', 'vault-1.9', 'vault-1.8', 'vault-1.6', 'legacy-auditor'] as const;
export type VaultProfile = (typeof VAULT_PROFILES)[number];

/** Options every collector may read. Plain data: it is posted to worker threads. */
export interface RunOptions {
  platform: PlatformName;
  /** Vault counting profile (§14); ignored by Akeyless. */
  profile: VaultProfile;
  range: TimeRange;
  /** Day of month billing months start on (Vault §8.2); 1 = calendar months. */
  billingDay: number;
  /** --prefix: exact string stripped from every line instead of skipping to the first `{`. */
  prefix: string | null;
  /** Akeyless --merge-humans (A5). */
  mergeHumans: boolean;
  /** Akeyless --quota: monthly client quota, or null. */
  quota: number | null;
}

export interface Collector<P> {
  /**
   * A sink for one read task; `stats` receives entries, malformed lines and truncation. Line numbers
   * the sink sees are relative to the task's first line (a byte-range task starts mid-file); a
   * partial that keeps line numbers stores (task.seq, lineNo) and the finish step makes them
   * absolute with LineResolver.
   */
  sinkFor(task: PlannedTask, stats: FileStats, shape: FileShape): RecordSink;
  /**
   * Optional: buffers to read an uncompressed file into, lent for one task at a time (null while
   * lent, or when the collector has none). Its sinks then see lines inside memory it owns.
   */
  readBuffers?(): ReadBuffers | null;
  /**
   * Optional: lines may be read and projected on another thread (parallel/pipelined.ts) on this shape,
   * their JSON text found as ingest/json-start.ts finds it, and given to the sinks' projected(). Null
   * when this collector parses lines itself.
   */
  lineProjection?(): LineProjection | null;
  /** The compact result of every task this collector saw, ready for postMessage. */
  partial(): P;
}

/**
 * The shape lines are projected on (ingest/json-projection.ts), its per-line paths and the path of
 * the event time the projector parses (ProjectorOptions). Plain data.
 */
export interface LineProjection {
  shape: Shape;
  perLine: readonly (readonly string[])[];
  time?: readonly string[];
}

export interface CollectorFactory<P = unknown> {
  (options: RunOptions): Collector<P>;
}

/** Turns a task-relative line number into the line number in its file. */
export type LineResolver = (taskSeq: number, lineNo: number) => number;

/** What the main thread hands a platform's finish step after all tasks ran. */
export interface FinishContext {
  options: RunOptions;
  /** Statistics per input file, in file-index order (byte ranges already merged). */
  files: import('./ingest/file-stats.js').FileStatsData[];
  /** Warnings found before reading (duplicate-input, option-ignored), in order. */
  warnings: string[];
  resolveLine: LineResolver;
  strict: boolean;
  /** True when the platform was auto-detected rather than given with --platform. */
  detected: boolean;
}

export type CountFormat = 'table' | 'json' | 'csv';
export type ClientsFormat = 'jsonl' | 'csv';

/** A finished, merged result: decisions are done; rendering only formats. */
export interface PlatformResult {
  /** Malformed lines over all files (for --strict, exit code 3). */
  malformed: number;
  renderCount(format: CountFormat): string;
  renderClients(format: ClientsFormat): string;
}

export type Finisher = (partials: unknown[], ctx: FinishContext) => PlatformResult;
