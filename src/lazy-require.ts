// Loading a dependency on first use. Startup is part of every run (a cron report on a small file is
// mostly startup), and most runs never touch glob patterns, .zst files, --from/--to or JSON arrays:
// importing those libraries eagerly cost ~100 ms (measured with `--version`: 0.33 -> 0.21 s).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that requires the CommonJS package `id` the first time it is called. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
