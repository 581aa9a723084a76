// Per-file input statistics (spec vault.md §3.4, §10 `inputs.files[]`; akeyless.md §3.1).
// Ingest counts lines and blank lines; the platform's line reader reports entries, malformed lines
// and truncation here. Mergeable across the byte ranges of one file. Never holds line contents [B2].

import type { EventTime } from './time.js';
import { compareTimes } from './time.js';

export const MAX_MALFORMED_EXAMPLES = 5;

export interface MalformedExample {
  line: number;
  reason: string;
}

export interface FileStatsData {
  path: string;
  /** Detected shape: jsonl, json-array, json-stream, text, mixed (filled by the platform). */
  format: string;
  lines: number;
  blankLines: number;
  entries: Record<string, number>;
  malformed: number;
  malformedExamples: MalformedExample[];
  truncatedLastLine: boolean;
  firstTime: EventTime | null;
  lastTime: EventTime | null;
  /** Compressed or raw bytes read from disk, for throughput reports. */
  bytesRead: number;
}

export function emptyFileStats(path: string): FileStatsData {
  return {
    path,
    format: 'jsonl',
    lines: 0,
    blankLines: 0,
    entries: {},
    malformed: 0,
    malformedExamples: [],
    truncatedLastLine: false,
    firstTime: null,
    lastTime: null,
    bytesRead: 0,
  };
}

/** Mutable recorder used while one file (or one byte range of it) is read. */
export class FileStats {
  readonly data: FileStatsData;
  constructor(path: string) {
    this.data = emptyFileStats(path);
  }
  malformed(lineNo: number, reason: string): void {
    const d = this.data;
    d.malformed++;
    if (d.malformedExamples.length < MAX_MALFORMED_EXAMPLES) d.malformedExamples.push({ line: lineNo, reason });
  }
  truncated(): void {
    this.data.truncatedLastLine = true;
  }
  entry(kind: string, time: EventTime): void {
    const d = this.data;
    d.entries[kind] = (d.entries[kind] ?? 0) + 1;
    if (d.firstTime === null || compareTimes(time, d.firstTime) < 0) d.firstTime = time;
    if (d.lastTime === null || compareTimes(time, d.lastTime) > 0) d.lastTime = time;
  }
}

/**
 * Merges the statistics of consecutive byte ranges of one file, in file order. Line numbers in a
 * range are relative to its first line, so each range's examples are shifted by the lines before it.
 */
export function mergeRangeStats(parts: FileStatsData[]): FileStatsData {
  const out = emptyFileStats(parts[0]!.path);
  out.format = parts[0]!.format;
  let lineBase = 0;
  parts.forEach((p, i) => {
    if (p.format !== out.format) out.format = 'mixed';
    out.blankLines += p.blankLines;
    for (const [k, v] of Object.entries(p.entries)) out.entries[k] = (out.entries[k] ?? 0) + v;
    out.malformed += p.malformed;
    for (const ex of p.malformedExamples) {
      if (out.malformedExamples.length < MAX_MALFORMED_EXAMPLES) {
        out.malformedExamples.push({ line: ex.line + lineBase, reason: ex.reason });
      }
    }
    if (i === parts.length - 1) out.truncatedLastLine = p.truncatedLastLine;
    if (p.firstTime && (!out.firstTime || compareTimes(p.firstTime, out.firstTime) < 0)) out.firstTime = p.firstTime;
    if (p.lastTime && (!out.lastTime || compareTimes(p.lastTime, out.lastTime) > 0)) out.lastTime = p.lastTime;
    out.bytesRead += p.bytesRead;
    lineBase += p.lines;
    out.lines += p.lines;
  });
  return out;
}
