// Plain-text table layout for the human reports: columns padded to their widest cell, numbers
// right-aligned. Formatting only; callers decide rows and order.

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (vals: readonly string[]): string =>
    vals
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) out.push(line(r));
  return out.join('\n') + '\n';
}

/** Thousands separators for human tables (never in JSON or CSV). */
export function n(value: number): string {
  return value.toLocaleString('en-US');
}
