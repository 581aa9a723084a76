// Warnings about the inputs themselves, shared by every platform (spec vault.md §3.4, akeyless.md
// §3.1): one malformed-lines warning per file with malformed lines, one per truncated last line.

import type { FileStatsData } from '../ingest/file-stats.js';

export function inputWarnings(files: readonly FileStatsData[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f.malformed > 0) {
      const first = f.malformedExamples[0]!;
      out.push(`malformed-lines: ${f.path}: ${f.malformed} malformed line(s); first at line ${first.line} (${first.reason})`);
    }
    if (f.truncatedLastLine) out.push(`truncated-last-line: ${f.path}`);
  }
  return out;
}
