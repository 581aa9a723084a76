// Writes a finished report to stdout or --output FILE. A closed stdout (e.g. `| head -1`) is a
// normal end, exit 0 (spec vault.md §2), never a stack trace.

import fs from 'node:fs';
import { InputError } from '../errors.js';

export function writeReport(text: string, output: string | null): Promise<void> {
  if (output !== null) {
    try {
      if (fs.statSync(output, { throwIfNoEntry: false })?.isDirectory()) {
        throw new InputError(`--output ${output} is a directory where a file is required`, 'name a file, e.g. --output report.json');
      }
      fs.writeFileSync(output, text);
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`cannot write --output ${output}: ${code ?? String(e)}`, 'check that the directory exists and is writable');
    }
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    process.stdout.write(text, () => resolve());
  });
}

/** Installs the handler that turns EPIPE on stdout into a clean exit 0. */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
