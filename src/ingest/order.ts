// Processing order (spec vault.md §3.5): entries are ordered by (time, file index, position in
// file). Every "first" in the counting rules means first in this order, which makes results
// independent of how files were listed or split across workers. The byte offset stands in for the
// line number: within one file both grow together, and it is known to a worker that reads a byte
// range of a file without knowing how many lines came before it.

export interface Order {
  ms: number;
  subNs: number;
  /** Index of the input file in the expanded input list. */
  file: number;
  /** Byte offset of the line in its (decompressed) file, or element index in a JSON array file. */
  offset: number;
}

export function compareOrder(a: Order, b: Order): number {
  return a.ms - b.ms || a.subNs - b.subNs || a.file - b.file || a.offset - b.offset;
}

/** Keeps, per key, the value earliest in processing order ("first" in every counting rule). */
export function keepEarliestIn<K, V extends { order: Order }>(map: Map<K, V>, key: K, value: V): void {
  const prev = map.get(key);
  if (prev === undefined || compareOrder(value.order, prev.order) < 0) map.set(key, value);
}
