import { describe, it, expect } from 'vitest';
import { createProgress, formatBytes, formatDuration, formatProgressLine } from '../src/cli/progress.js';

const base = { bytesDone: 250e6, totalBytes: 1e9, elapsedMs: 2000, currentFile: 'logs/audit.log' };

describe('formatProgressLine', () => {
  it('renders bar, percentage, bytes, rate, ETA and file when there is room', () => {
    expect(formatProgressLine(base, 120)).toBe(
      '[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  logs/audit.log',
    );
  });

  it('never uses the last column', () => {
    // The full line is exactly 85 characters: it needs 86 columns.
    expect(formatProgressLine(base, 86)).toBe(
      '[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  logs/audit.log',
    );
    expect(formatProgressLine(base, 85)).toBe(
      '[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  …gs/audit.log',
    );
  });

  it('truncates long paths from the left so the file name stays visible', () => {
    const state = { ...base, currentFile: '/var/log/vault/archive/2024/05/audit-2024-05-06T10.log.gz' };
    expect(formatProgressLine(state, 100)).toBe(
      '[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  …/audit-2024-05-06T10.log.gz',
    );
  });

  it('omits the file when fewer than 8 columns are left for it', () => {
    // bar + numbers = 69 characters; 69 + 2 + 7 = 78 → 79 columns leave only 7 for the file.
    expect(formatProgressLine(base, 79)).toBe('[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06');
    expect(formatProgressLine(base, 80)).toBe(
      '[#####---------------]  25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  …dit.log',
    );
  });

  it('drops the bar on narrow terminals, then cuts the numbers', () => {
    expect(formatProgressLine(base, 60)).toBe('25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06  …s/audit.log');
    expect(formatProgressLine(base, 46)).toBe('25%  250.0 MB / 1.00 GB  125.0 MB/s  ETA 0:06');
    expect(formatProgressLine(base, 20)).toBe('25%  250.0 MB / 1.0');
  });

  it('shows only bytes and rate when the total is unknown (stdin)', () => {
    expect(formatProgressLine({ bytesDone: 5e9, totalBytes: null, elapsedMs: 20_000, currentFile: '-' }, 80)).toBe(
      '5.00 GB  250.0 MB/s',
    );
  });

  it('handles the start (no elapsed time) and the end', () => {
    expect(formatProgressLine({ bytesDone: 0, totalBytes: 1e9, elapsedMs: 0, currentFile: '' }, 80)).toBe(
      '[--------------------]   0%  0 B / 1.00 GB  -- MB/s  ETA --:--',
    );
    expect(formatProgressLine({ bytesDone: 1e9, totalBytes: 1e9, elapsedMs: 4000, currentFile: 'a.log' }, 80)).toBe(
      '[####################] 100%  1.00 GB / 1.00 GB  250.0 MB/s  ETA 0:00  a.log',
    );
    expect(formatProgressLine({ bytesDone: 1e9, totalBytes: 1e9, elapsedMs: 4000, currentFile: 'audit.log' }, 78)).toBe(
      '[####################] 100%  1.00 GB / 1.00 GB  250.0 MB/s  ETA 0:00',
    );
  });

  it('treats an empty input and overshoot as complete', () => {
    expect(formatProgressLine({ bytesDone: 0, totalBytes: 0, elapsedMs: 10, currentFile: '' }, 80)).toBe(
      '[####################] 100%  0 B / 0 B  0.0 MB/s  ETA 0:00',
    );
    expect(formatProgressLine({ bytesDone: 1500, totalBytes: 1000, elapsedMs: 1000, currentFile: '' }, 80)).toBe(
      '[####################] 100%  1.5 kB / 1.0 kB  0.0 MB/s  ETA 0:00',
    );
  });

  it('formats hours in the ETA', () => {
    // 1 MB/s, 3,725 MB left → 1:02:05
    expect(formatProgressLine({ bytesDone: 1e6, totalBytes: 3726e6, elapsedMs: 1000, currentFile: '' }, 80)).toBe(
      '[--------------------]   0%  1.0 MB / 3.73 GB  1.0 MB/s  ETA 1:02:05',
    );
  });
});

describe('formatBytes / formatDuration', () => {
  it('uses decimal units and switches unit before printing 1000.0', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(123_456)).toBe('123.5 kB');
    expect(formatBytes(999_999)).toBe('1.0 MB');
    expect(formatBytes(1e6)).toBe('1.0 MB');
    expect(formatBytes(999.94e6)).toBe('999.9 MB');
    expect(formatBytes(999.96e6)).toBe('1.00 GB');
    expect(formatBytes(1.1e9)).toBe('1.10 GB');
    expect(formatBytes(2.5e12)).toBe('2.50 TB');
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(NaN)).toBe('0 B');
  });

  it('rounds durations up and pads seconds and minutes', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(0.2)).toBe('0:01');
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(36_061)).toBe('10:01:01');
    expect(formatDuration(Infinity)).toBe('--:--');
    expect(formatDuration(-1)).toBe('--:--');
  });
});

function fakeStream(columns: number | undefined) {
  const writes: string[] = [];
  const stream = {
    columns,
    write(chunk: string): boolean {
      writes.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('createProgress', () => {
  it('redraws at most every 100 ms with \\r + clear-line and clears on finish', () => {
    let t = 1000;
    const { stream, writes } = fakeStream(120);
    const p = createProgress({ totalBytes: 1e9, stream, enabled: true, now: () => t });

    t = 1000;
    p.update(0, 'logs/audit.log'); // nothing before the first interval: no absurd start-up rate
    t = 1099;
    p.update(10e6, 'logs/audit.log');
    t = 1100;
    p.update(11e6, 'logs/audit.log'); // first draw
    t = 1150;
    p.update(100e6, 'logs/audit.log'); // throttled
    t = 1199;
    p.update(110e6, 'logs/audit.log'); // throttled
    t = 2000;
    p.update(250e6, 'logs/audit.log');
    t = 2001;
    p.finish();
    p.update(999e6, 'x'); // ignored after finish
    p.finish(); // idempotent

    expect(writes).toEqual([
      '\r\x1b[2K[--------------------]   1%  11.0 MB / 1.00 GB  110.0 MB/s  ETA 0:09  logs/audit.log',
      '\r\x1b[2K[#####---------------]  25%  250.0 MB / 1.00 GB  250.0 MB/s  ETA 0:03  logs/audit.log',
      '\r\x1b[2K',
    ]);
  });

  it('uses 80 columns when the stream has no width', () => {
    let t = 0;
    const { stream, writes } = fakeStream(undefined);
    const p = createProgress({ totalBytes: 1e9, stream, enabled: true, now: () => t });
    t = 1000;
    p.update(500e6, 'a/very/long/directory/name/that/goes/on/and/on/audit-2024-05-06.log');
    p.finish();
    expect(writes).toEqual([
      '\r\x1b[2K[##########----------]  50%  500.0 MB / 1.00 GB  500.0 MB/s  ETA 0:01  …-06.log',
      '\r\x1b[2K',
    ]);
  });

  it('uses the real clock by default (no draw within the first 100 ms)', () => {
    const { stream, writes } = fakeStream(80);
    const p = createProgress({ totalBytes: null, stream, enabled: true });
    p.update(5e6, '-');
    p.finish();
    expect(writes).toEqual([]);
  });

  it('writes nothing when disabled, and finish() without a draw writes nothing', () => {
    const { stream, writes } = fakeStream(80);
    const off = createProgress({ totalBytes: 10, stream, enabled: false });
    off.update(5, 'a');
    off.finish();
    const on = createProgress({ totalBytes: 10, stream, enabled: true, now: () => 0 });
    on.finish();
    expect(writes).toEqual([]);
  });
});
