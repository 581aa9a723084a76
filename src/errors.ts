// Error classes that map to the documented exit codes (README "Exit codes", spec vault.md §2).
// Thrown anywhere; only src/cli/main.ts turns them into a message and an exit status.

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_STRICT = 3;

/** A fatal problem with an input path or its bytes (missing, unreadable, corrupt compression). */
export class InputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** An invalid command line (unknown option value, bad date). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
