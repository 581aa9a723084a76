/**
 * Generates simulated clusters with the ground-truth generator (fixtures/generators/vault-sim.ts),
 * in-process, into a temporary directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate, type GenerateResult, type SimOptions } from '../../fixtures/generators/vault-sim.js';

export interface SimCluster extends GenerateResult {
  dir: string;
  expected: (file: string) => any;
  expectedText: (file: string) => string;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function makeCluster(opts: SimOptions, root?: string): Promise<SimCluster> {
  const dir = path.join(root ?? tempDir('vault-sim-'), `seed-${opts.seed}`);
  const res = await generate(dir, opts);
  return {
    ...res,
    dir,
    expected: (f: string) => JSON.parse(fs.readFileSync(path.join(dir, 'expected', f), 'utf8')),
    expectedText: (f: string) => fs.readFileSync(path.join(dir, 'expected', f), 'utf8'),
  };
}
