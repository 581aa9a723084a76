/**
 * Physical floor: read the whole file with fs.readSync into one reused 1 MiB buffer, nothing else.
 * Usage: node dist/bench/raw-read.js FILE   → prints {"bytes":N}
 */
import * as fs from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: raw-read.js FILE\n');
  process.exit(2);
}
const buf = Buffer.allocUnsafe(1 << 20);
const fd = fs.openSync(file, 'r');
let total = 0;
for (;;) {
  const n = fs.readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  total += n;
}
fs.closeSync(fd);
process.stdout.write(JSON.stringify({ bytes: total }) + '\n');
