#!/usr/bin/env node
// Worker threads start before the CLI loads, so that they boot while it does (see
// dist/src/parallel/spawn.js); a static import would load the whole CLI first.
import { likelyWorkers, prestartWorkers } from '../dist/src/parallel/spawn.js';

const args = process.argv.slice(2);
prestartWorkers(likelyWorkers(args));
const { main } = await import('../dist/src/cli/main.js');
main(args);
