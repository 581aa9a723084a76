// Where a line's JSON text starts (spec vault.md §3.2): right after --prefix when one is given (the
// line must start with it exactly), else at the first `{`. Shared by the Vault collector and the
// thread that projects lines for it (parallel/forwarding-collector.ts), so both find the same text.

/** The offset of the JSON text in buf[start, end), or -1 when the line has none. */
export function jsonStart(buf: Buffer, start: number, end: number, prefix: Buffer | null): number {
  if (prefix !== null) {
    if (end - start < prefix.length || buf.compare(prefix, 0, prefix.length, start, start + prefix.length) !== 0) return -1;
    return start + prefix.length;
  }
  const from = buf.indexOf(0x7b, start);
  return from < 0 || from >= end ? -1 : from;
}
