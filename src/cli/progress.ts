/**
 * Progress bar for long reads (GB-sized audit logs).
 *
 * One line on stderr, redrawn in place (`\r` + clear-line) at most every 100 ms:
 *
 *   [########------------]  42%  462.0 MB / 1.10 GB  210.3 MB/s  ETA 0:03  logs/audit.log
 *
 * With an unknown total (stdin) only the bytes read and the rate are shown:
 *
 *   462.0 MB  210.3 MB/s
 *
 * Units are decimal (1 MB = 1,000,000 bytes), the rate is the average since the bar was created.
 * The caller decides whether the bar is enabled (stderr is a TTY, no --quiet, no --no-progress);
 * a disabled bar is a shared no-op object and costs nothing.
 *
 * The line never contains anything but byte counts, a rate, a time and the file name: no line
 * content is ever echoed [B2].
 */

export interface Progress {
  /** Report the bytes read so far (over all inputs) and the file currently being read. */
  update(bytesDone: number, currentFile: string): void;
  /** Clear the line. Further updates are ignored. */
  finish(): void;
}

export interface ProgressOptions {
  /** Total bytes of all inputs, or null when unknown (stdin). */
  totalBytes: number | null;
  stream: NodeJS.WriteStream;
  enabled: boolean;
  /** Monotonic clock in milliseconds (injectable for tests). */
  now?: () => number;
}

export interface ProgressState {
  bytesDone: number;
  /** null = unknown total (stdin): only bytes and rate are shown. */
  totalBytes: number | null;
  /** Milliseconds since reading started; used for the average rate and the ETA. */
  elapsedMs: number;
  currentFile: string;
}

/** Minimum interval between two redraws, in milliseconds. */
export const REDRAW_INTERVAL_MS = 100;

const BAR_WIDTH = 20;
const DEFAULT_COLUMNS = 80;
/** The file name is shown only when at least this many columns are left for it. */
const MIN_FILE_WIDTH = 8;
const CLEAR_LINE = '\r\x1b[2K';

/** Decimal human-readable size: `512 B`, `12.3 kB`, `462.0 MB`, `1.10 GB`, `2.50 TB`. */
export function formatBytes(bytes: number): string {
  const b = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  if (b < 1e3) return `${Math.floor(b)} B`;
  // 999.96 kB would print "1000.0 kB"; switch unit where the rounded value reaches 1000.
  if (b < 999.95e3) return `${(b / 1e3).toFixed(1)} kB`;
  if (b < 999.95e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b < 999.995e9) return `${(b / 1e9).toFixed(2)} GB`;
  return `${(b / 1e12).toFixed(2)} TB`;
}

/** `m:ss` below one hour, `h:mm:ss` above; `--:--` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function formatRate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null) return '-- MB/s';
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

/** Keep the end of a path (the file name is its most useful part): `…/rotated/audit-7.log`. */
function truncateLeft(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return '…' + chars.slice(chars.length - (width - 1)).join('');
}

function fit(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width)).join('');
}

/**
 * Pure rendering of one progress line (no `\r`, no escape codes). The result is at most
 * `columns - 1` characters wide so that the terminal never wraps it.
 *
 * Layout: bar, percentage, bytes / total, rate, ETA, then the current file in the remaining room
 * (truncated from the left so that its name stays visible; omitted when fewer than 8 columns are
 * left). When bar and numbers do not fit together, the bar is dropped; when the numbers alone do
 * not fit, they are cut at the right edge.
 */
export function formatProgressLine(state: ProgressState, columns: number): string {
  const width = Math.max(0, (Number.isFinite(columns) && columns > 0 ? Math.floor(columns) : DEFAULT_COLUMNS) - 1);
  const done = Math.max(0, state.bytesDone);
  const elapsedS = state.elapsedMs / 1000;
  const rate = elapsedS > 0 ? done / elapsedS : null;

  if (state.totalBytes === null) {
    return fit(`${formatBytes(done)}  ${formatRate(rate)}`, width);
  }

  const total = Math.max(0, state.totalBytes);
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.floor(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3, ' ')}%`;
  const remaining = Math.max(0, total - done);
  const eta = remaining === 0 ? formatDuration(0) : rate !== null && rate > 0 ? formatDuration(remaining / rate) : formatDuration(NaN);
  const numbers = `${percent}  ${formatBytes(done)} / ${formatBytes(total)}  ${formatRate(rate)}  ETA ${eta}`;

  let line = `${bar} ${numbers}`;
  if (line.length > width) line = numbers.trimStart();
  if (line.length > width) return fit(line, width);

  const room = width - line.length - 2;
  if (state.currentFile !== '' && room >= MIN_FILE_WIDTH) {
    line += `  ${truncateLeft(state.currentFile, room)}`;
  }
  return line;
}

const DISABLED: Progress = Object.freeze({
  update(): void {},
  finish(): void {},
});

export function createProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return DISABLED;
  const { stream, totalBytes } = opts;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  // The first draw waits one interval too: a rate measured over a few milliseconds is meaningless,
  // and runs shorter than 100 ms never show a bar at all.
  let lastDraw = start;
  let drawn = false;
  let finished = false;

  return {
    update(bytesDone: number, currentFile: string): void {
      if (finished) return;
      const t = now();
      if (t - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = t;
      const line = formatProgressLine({ bytesDone, totalBytes, elapsedMs: t - start, currentFile }, stream.columns ?? DEFAULT_COLUMNS);
      stream.write(CLEAR_LINE + line);
      drawn = true;
    },
    finish(): void {
      if (finished) return;
      finished = true;
      if (drawn) stream.write(CLEAR_LINE);
    },
  };
}
