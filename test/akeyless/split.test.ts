// Results must not depend on how inputs are cut into byte ranges, how tasks are spread over
// workers (collectors), or in which order tasks finish: partials merge by processing order
// (spec vault.md §3.5). Runs the collector in-process on PlannedTasks with explicit ranges.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAkeyless } from '../../fixtures/generators/akeyless-sim.js';
import { renderAkeylessClients } from '../../src/report/akeyless-clients.js';
import { renderAkeylessCount } from '../../src/report/akeyless-count.js';
import type { AkeylessResultModel } from '../../src/akeyless/model.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runInProcess, type InProcessOptions } from './helpers.js';

const FIX = path.join(REPO_ROOT, 'fixtures', 'akeyless');

function outputs(m: AkeylessResultModel): string[] {
  return [
    renderAkeylessCount(m, 'json'), renderAkeylessCount(m, 'csv'), renderAkeylessCount(m, 'table'),
    renderAkeylessClients(m.clients, 'jsonl'), renderAkeylessClients(m.clients, 'csv'),
  ];
}

describe('byte-range splits and worker spreads give identical results', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'akeyless-split-'));
  const sim = generateAkeyless(path.join(root, 'sim'), { seed: 5 });
  // The JSON-lines and text files can be split; the JSON array is always read whole.
  const inputs = sim.files;

  for (const mergeHumans of [false, true]) {
    it(`seed 5${mergeHumans ? ' --merge-humans' : ''}: 1, 2, 3 and 17 ranges per file, 1-4 workers, any task order`, async () => {
      const base: InProcessOptions = { mergeHumans, quota: 40 };
      const whole = outputs(await runInProcess(inputs, base));
      const sizes = inputs.map((f) => fs.statSync(f).size);
      const max = Math.max(...sizes);
      const variants: InProcessOptions[] = [
        { cuts: [Math.floor(max / 2)], workers: 2 },
        { cuts: [1, 2, 3, Math.floor(max / 3), Math.floor((2 * max) / 3)], workers: 3, reverse: true },
        { cuts: Array.from({ length: 16 }, (_, i) => Math.floor(((i + 1) * max) / 17) + i * 7), workers: 4 },
        { cuts: [], workers: 3, reverse: true },
      ];
      for (const v of variants) {
        const got = outputs(await runInProcess(inputs, { ...base, ...v }));
        expect(got, JSON.stringify(v)).toEqual(whole);
      }
    });
  }

  it('§8 example: every single cut point of events.jsonl gives the spec result', async () => {
    const files = [path.join(FIX, 'events.jsonl'), path.join(FIX, 'gateway.log')];
    const whole = renderAkeylessCount(await runInProcess(files), 'json');
    const size = fs.statSync(files[0]!).size;
    for (let cut = 1; cut < size; cut += 97) {
      const m = await runInProcess(files, { cuts: [cut], workers: 2, reverse: cut % 2 === 0 });
      expect(renderAkeylessCount(m, 'json'), `cut at ${cut}`).toBe(whole);
    }
  });

  it('line numbers of malformed lines are absolute after merging ranges', async () => {
    const p = path.join(root, 'bad.jsonl');
    const good = '{"timestamp":"2026-02-02T10:00:00Z","access_id":"p-a","status":200}';
    const lines = Array.from({ length: 40 }, (_, i) => (i % 10 === 9 ? 'garbage line' : good));
    fs.writeFileSync(p, lines.join('\n') + '\n');
    const whole = await runInProcess([p]);
    const split = await runInProcess([p], { cuts: [300, 1200, 2000], workers: 2 });
    expect(whole.count.inputs.files[0]!.malformed_examples.map((e) => e.line)).toEqual([10, 20, 30, 40]);
    expect(split.count.inputs.files).toEqual(whole.count.inputs.files);
  });
});
