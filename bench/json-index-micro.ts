/**
 * Micro-benchmark: JSON.parse(buf.toString()) vs parseVaultEntry (wasm structural indexer) per line type.
 * Usage: npm run build && node dist/bench/json-index-micro.js [file] [runs]
 * Default file: bench/.cache/vault-audit-g2-seed42-50mb.log. Reports min-of-N wall time as MB/s.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseVaultEntry } from '../src/ingest/json-index.js';

const file = process.argv[2] ?? 'bench/.cache/vault-audit-g2-seed42-50mb.log';
const runs = Number(process.argv[3] ?? 5);
const buf = readFileSync(file);

const groups: Record<string, number[]> = { response: [], request: [], other: [] };
const bytes: Record<string, number> = { response: 0, request: 0, other: 0 };
let s = 0;
while (s < buf.length) {
  let e = buf.indexOf(0x0a, s);
  if (e < 0) e = buf.length;
  if (e > s) {
    const head = buf.toString('latin1', s, Math.min(e, s + 80));
    const g = head.includes('"type":"response"') ? 'response' : head.includes('"type":"request"') ? 'request' : 'other';
    groups[g]!.push(s, e);
    bytes[g]! += e - s;
  }
  s = e + 1;
}

// equivalence spot check
const KEEP = new Set(['time', 'type', 'error', 'auth', 'request', 'client_certificate_serial_number', 'response']);
const RKEEP = new Set(['auth', 'mount_type', 'mount_accessor', 'wrap_info']);
for (const g of ['response', 'request']) {
  const o = groups[g]!;
  for (let i = 0; i < Math.min(o.length, 2000); i += 2) {
    const full = JSON.parse(buf.toString('utf8', o[i], o[i + 1])) as Record<string, unknown>;
    const want: Record<string, unknown> = {};
    for (const k of Object.keys(full)) {
      let v = full[k];
      if (!KEEP.has(k)) continue;
      if (k === 'response' && v && typeof v === 'object' && !Array.isArray(v)) {
        v = Object.fromEntries(Object.entries(v).filter(([rk]) => RKEEP.has(rk)));
      }
      want[k] = v;
    }
    if (!isDeepStrictEqual(parseVaultEntry(buf, o[i]!, o[i + 1]!), want)) throw new Error(`mismatch on ${g} line ${i / 2}`);
  }
}

let sink = 0;
function timeIt(fn: (a: number, b: number) => unknown, o: number[]): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < o.length; i += 2) {
    const v = fn(o[i]!, o[i + 1]!) as Record<string, unknown> | undefined;
    if (v !== undefined && v['type'] !== undefined) sink++;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const baseline = (a: number, b: number): unknown => JSON.parse(buf.toString('utf8', a, b));
const indexed = (a: number, b: number): unknown => parseVaultEntry(buf, a, b);

console.log(`file ${file}, ${runs} runs (min), node ${process.version}`);
for (const g of ['response', 'request', 'other']) {
  const o = groups[g]!;
  if (o.length === 0) continue;
  // Lower bound for any approach that materialises the kept values with JSON.parse: parsing just the projected
  // text (what is left once validation and skipping cost nothing).
  const projected: string[] = [];
  for (let i = 0; i < o.length; i += 2) projected.push(JSON.stringify(parseVaultEntry(buf, o[i]!, o[i + 1]!)));
  const projOnly = (): number => {
    const t0 = process.hrtime.bigint();
    for (const t of projected) if ((JSON.parse(t) as Record<string, unknown>)['type'] !== undefined) sink++;
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  let bestBase = Infinity;
  let bestIdx = Infinity;
  let bestProj = Infinity;
  for (let r = 0; r < runs; r++) {
    bestBase = Math.min(bestBase, timeIt(baseline, o));
    bestIdx = Math.min(bestIdx, timeIt(indexed, o));
    bestProj = Math.min(bestProj, projOnly());
  }
  const mb = bytes[g]! / 1e6;
  console.log(
    `${g.padEnd(8)} ${String(o.length / 2).padStart(7)} lines ${mb.toFixed(1).padStart(6)} MB | JSON.parse ${(mb / bestBase).toFixed(0).padStart(5)} MB/s | parseVaultEntry ${(mb / bestIdx).toFixed(0).padStart(5)} MB/s | x${(bestBase / bestIdx).toFixed(2)} | ceiling (parse of projection only) x${(bestBase / bestProj).toFixed(2)}`,
  );
}
if (sink < 0) console.log(sink);
