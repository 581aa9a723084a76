// Workers started before the CLI loads (src/parallel/spawn.ts): how many the command line most
// likely needs. A guess only (the pool decides), but a wrong guess costs a worker's boot on every run.

import { describe, expect, it } from 'vitest';
import { availableCores, likelyWorkers } from '../../src/parallel/spawn.js';

describe('likelyWorkers', () => {
  const cores = availableCores();

  it('starts available cores - 1 for count and clients', () => {
    expect(likelyWorkers(['count', 'a.log'])).toBe(cores - 1);
    expect(likelyWorkers(['clients', 'a.log', '--format', 'csv'])).toBe(cores - 1);
  });

  it('follows --jobs in each of its spellings', () => {
    for (const args of [['--jobs', '3'], ['-j', '3'], ['--jobs=3'], ['-j3']]) {
      expect(likelyWorkers(['count', 'a.log', ...args]), args.join(' ')).toBe(2);
    }
    expect(likelyWorkers(['count', '--jobs', '1', 'a.log'])).toBe(0);
  });

  it('starts none for other commands, help, version, stdin or a --jobs value the CLI will reject', () => {
    expect(likelyWorkers([])).toBe(0);
    expect(likelyWorkers(['--help'])).toBe(0);
    expect(likelyWorkers(['--version'])).toBe(0);
    expect(likelyWorkers(['bogus', 'a.log'])).toBe(0);
    expect(likelyWorkers(['count', '--help'])).toBe(0);
    expect(likelyWorkers(['count', '-'])).toBe(0);
    expect(likelyWorkers(['count', 'a.log', '--jobs', 'x'])).toBe(0);
    expect(likelyWorkers(['count', 'a.log', '--jobs', '0'])).toBe(0);
    expect(likelyWorkers(['count', 'a.log', '--jobs'])).toBe(0);
  });
});
