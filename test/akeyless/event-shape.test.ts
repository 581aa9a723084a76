// The Akeyless collector parses JSON lines through AKEYLESS_EVENT_SHAPE (the WebAssembly projector)
// and leaves every other line to classifyLine. Whatever fields.ts reads must be in the shape: here the
// fields of every JSON line agree with a full JSON.parse, and every report is produced twice, through
// the projector and through CLIENT_AUDITOR_FULL_PARSE=1, and must be byte-identical (malformed-line
// counts and examples included) on the fixtures, a simulated account and a log of damaged lines.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAkeyless } from '../../fixtures/generators/akeyless-sim.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { INVALID, JsonProjector } from '../../src/ingest/json-projection.js';
import { AKEYLESS_EVENT_SHAPE, AKEYLESS_PER_LINE } from '../../src/akeyless/event-shape.js';
import { readFields, readJsonTime } from '../../src/akeyless/fields.js';
import { REPO_ROOT, runCli, expectSameAsFullParse } from '../helpers/cli.js';
import { tempDir } from '../helpers/sim.js';

const sim = generateAkeyless(tempDir('akeyless-shape-'), { seed: 11 });

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** Damaged copies of real lines: cut, a structural byte, an escaped key, odd spaces, a prefix, bad UTF-8. */
function damagedLog(): string {
  const sources = [...lines(path.join(REPO_ROOT, 'fixtures/akeyless/events.jsonl')), ...lines(sim.files[0]!), ...lines(sim.files[2]!)];
  const rnd = mulberry32(23);
  const out: string[] = [];
  for (const line of sources.slice(0, 3000)) {
    out.push(line);
    if (rnd() >= 0.2) continue;
    const at = Math.floor(rnd() * line.length);
    switch (Math.floor(rnd() * 8)) {
      case 0: out.push(line.slice(0, at)); break;
      case 1: out.push(line.slice(0, at) + '}' + line.slice(at + 1)); break;
      case 2: out.push(line.replace('"access_id":', '"access_\\u0069d":')); break;
      case 3: out.push(' \t' + line + ' '); break;
      case 4: out.push('\u00a0' + line); break;
      case 5: out.push(line + '\u00a0'); break;
      case 6: out.push('<134>1 2026-01-05T10:00:00Z gw-1 akeyless-gw - - - ' + line); break;
      default: out.push(line.replace('"status":', '"st\u00e9tus":').replace('"timestamp":"', '"timestamp":"\ufffd'));
    }
  }
  const file = path.join(tempDir('akeyless-damaged-'), 'damaged.log');
  fs.writeFileSync(file, out.join('\n') + '\n');
  // Bytes that are not UTF-8 at all, inside and outside strings.
  fs.appendFileSync(file, Buffer.concat([Buffer.from('{"timestamp":"2026-01-05T10:00:00Z","access_id":"p-'), Buffer.from([0xff, 0xfe]), Buffer.from('x","status":200}\n')]));
  fs.appendFileSync(file, Buffer.concat([Buffer.from('{"timestamp":"2026-01-05T10:00:00Z","access_id":"p-abc"}'), Buffer.from([0xc3]), Buffer.from('\n')]));
  return file;
}

describe('AKEYLESS_EVENT_SHAPE: the projection holds every field the count reads', () => {
  it('readFields and readJsonTime agree with a full JSON.parse on every JSON line of the fixtures and the simulation', () => {
    const projector = new JsonProjector(AKEYLESS_EVENT_SHAPE, { perLine: AKEYLESS_PER_LINE });
    let compared = 0;
    for (const line of [...lines(path.join(REPO_ROOT, 'fixtures/akeyless/events.jsonl')), ...lines(sim.files[0]!), ...lines(damagedLog())]) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = INVALID;
      }
      const bytes = Buffer.from(line, 'utf8');
      const projected = projector.project(bytes, 0, bytes.length);
      expect(projected === INVALID, line).toBe(parsed === INVALID);
      if (parsed === INVALID || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      const rec = projected as Record<string, unknown>;
      const full = parsed as Record<string, unknown>;
      expect(readFields(rec), line).toStrictEqual(readFields(full));
      expect(readJsonTime(rec), line).toStrictEqual(readJsonTime(full));
      compared++;
    }
    expect(compared).toBeGreaterThan(1500);
  });
});

describe('AKEYLESS_EVENT_SHAPE: projected parsing gives the reports of a full JSON.parse', () => {
  const damaged = damagedLog();
  const cases: [string, string[]][] = [
    ['count --jobs 1 on the damaged log', ['count', '--format', 'json', '--jobs', '1', damaged]],
    ['count --jobs 2 --merge-humans on the simulated account', ['count', '--format', 'json', '--jobs', '2', '--merge-humans', ...sim.files]],
    ['clients on the simulated account', ['clients', '--format', 'jsonl', ...sim.files]],
    ['count on the JSON and text fixtures', ['count', '--format', 'json', path.join(REPO_ROOT, 'fixtures/akeyless/events.jsonl'), path.join(REPO_ROOT, 'fixtures/akeyless/gateway.log')]],
  ];
  for (const [label, args] of cases) {
    it(label, () => {
      expectSameAsFullParse(args);
    });
  }
  it('the damaged log really holds malformed lines, prefixed events and odd spaces', () => {
    const r = runCli(['count', '--format', 'json', damaged]);
    const json = JSON.parse(r.stdout) as { inputs: { files: { malformed: number }[] } };
    expect(json.inputs.files.reduce((s, f) => s + f.malformed, 0)).toBeGreaterThan(20);
    const text = fs.readFileSync(damaged, 'utf8');
    expect(text).toContain('"access_\\u0069d":');
    expect(text).toContain('\u00a0{');
    expect(text).toContain('akeyless-gw - - - {');
  });
});
