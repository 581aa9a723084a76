/**
 * Naive baseline: readline + JSON.parse on every line, the same client total as client-auditor.
 * Usage: node dist/bench/naive.js FILE   → prints {"clients":N,"entity_clients":E,"non_entity_clients":M,"lines":L}
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { countableClient } from './rules.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: naive.js FILE\n');
  process.exit(2);
}
const entity = new Set<string>();
const nonEntity = new Set<string>();
let lines = 0;
let malformed = 0;
const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
for await (const line of rl) {
  lines++;
  const brace = line.indexOf('{');
  if (brace < 0) continue;
  let entry: unknown;
  try {
    entry = JSON.parse(brace === 0 ? line : line.slice(brace));
  } catch {
    malformed++;
    continue;
  }
  const c = countableClient(entry);
  if (c !== null) (c.entity ? entity : nonEntity).add(c.id);
}
process.stdout.write(
  JSON.stringify({ clients: entity.size + nonEntity.size, entity_clients: entity.size, non_entity_clients: nonEntity.size, lines, malformed }) + '\n',
);
