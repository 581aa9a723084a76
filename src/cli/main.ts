// Command-line entry: declares the commands and options (yargs), normalises them (options.ts),
// runs the pipeline and maps outcomes to the documented exit codes: 0 success (warnings allowed,
// stdout closed early), 1 input error, 2 invalid command line, 3 --strict with malformed lines.

import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { EXIT_INPUT, EXIT_OK, EXIT_STRICT, EXIT_USAGE, InputError, UsageError } from '../errors.js';
import type { FileStatsData } from '../ingest/file-stats.js';
import { runPipeline } from '../pipeline.js';
import type { ClientsFormat, CountFormat } from '../platform.js';
import { normaliseOptions, type Command, type Options, type RawArgs } from './options.js';
import { exitQuietlyOnClosedStdout, writeReport } from './output.js';
import { createProgress, type Progress } from './progress.js';
import { releasePrestarted } from '../parallel/spawn.js';

const require = createRequire(import.meta.url);
const VERSION = (require('../../../package.json') as { version: string }).version;

/**
 * yargs 17 through its CommonJS build, one bundled file: 14-17 ms to load, where the ESM entry of
 * yargs 18 (~30 modules, string-width creating an Intl.Segmenter) took 64-85 ms, and every run's
 * first task waits for this thread to parse its command line.
 */
const yargs = require('yargs/yargs') as typeof import('yargs/yargs');

const EPILOG = `Exit codes: 0 success (warnings allowed), 1 input error (missing or unreadable path, corrupt .gz/.zst),
2 invalid command line, 3 --strict and at least one malformed line (the report is still written).`;

function commonOptions(y: Argv): Argv {
  return y
    .positional('inputs', { describe: 'log files, directories (read recursively), glob patterns, or - for stdin; .gz and .zst are decompressed', type: 'string', array: true })
    .option('platform', { describe: 'vault or akeyless (default: detected from the inputs)', type: 'string', choices: ['vault', 'akeyless'] })
    .option('from', { describe: 'first day of the range, inclusive (YYYY-MM-DD, YYYY-MM or an ISO date-time; UTC)', type: 'string' })
    .option('to', { describe: 'last day of the range, inclusive (YYYY-MM-DD, YYYY-MM or an ISO date-time; UTC)', type: 'string' })
    .option('rules', { describe: 'Vault counting profile: current, vault-1.9, vault-1.8, vault-1.6, legacy-auditor', type: 'string' })
    .option('billing-start', { describe: 'Vault: billing months start on the day of this date (YYYY-MM-DD)', type: 'string' })
    .option('prefix', { describe: 'Vault: strip this exact prefix from every line (default: skip to the first "{")', type: 'string' })
    .option('merge-humans', { describe: 'Akeyless: merge one person across human auth methods by unique_id (approximate)', type: 'boolean' })
    .option('quota', { describe: 'Akeyless: monthly client quota; flags months over it and the annual true-up', type: 'number' })
    .option('strict', { describe: 'exit 3 when any line is malformed (the report is still written)', type: 'boolean' })
    .option('output', { alias: 'o', describe: 'write the report to this file instead of stdout', type: 'string' })
    .option('jobs', { alias: 'j', describe: 'threads: this one and N-1 workers (default: available cores)', type: 'number' })
    .option('progress', { describe: 'progress bar on stderr when it is a terminal (--no-progress to disable)', type: 'boolean', default: true })
    .option('quiet', { alias: 'q', describe: 'no progress bar and no malformed-line notes on stderr', type: 'boolean' }) as unknown as Argv;
}

function reportMalformed(files: readonly FileStatsData[]): void {
  let any = false;
  for (const f of files) {
    for (const ex of f.malformedExamples) {
      process.stderr.write(`client-auditor: ${f.path}:${ex.line}: ${ex.reason}\n`);
      any = true;
    }
    if (f.malformed > f.malformedExamples.length) {
      process.stderr.write(`client-auditor: ${f.path}: ${f.malformed - f.malformedExamples.length} more malformed line(s)\n`);
    }
    if (f.truncatedLastLine) process.stderr.write(`client-auditor: ${f.path}: last line is incomplete (file still being written?); ignored\n`);
  }
  if (any) process.stderr.write('hint: malformed lines were skipped and counted (see "inputs" in --format json); --strict makes them fatal\n');
}

async function execute(command: Command, raw: RawArgs): Promise<number> {
  const opts: Options = normaliseOptions(command, raw);
  let inputs = opts.inputs;
  if (inputs.length === 0) {
    if (process.stdin.isTTY) throw new UsageError('no inputs: give log files, directories, glob patterns, or - to read standard input');
    inputs = ['-'];
  }
  // Created on the first report of bytes read, when the pipeline knows the total input size.
  let progress: Progress | null = null;
  const progressEnabled = opts.progress && !opts.quiet && process.stderr.isTTY === true;
  const out = await runPipeline({
    inputs, platform: opts.platform, run: opts.run, jobs: opts.jobs, strict: opts.strict, vaultOnlyFlags: opts.vaultOnlyFlags,
    onProgress: (done, total, file) => {
      progress ??= createProgress({ totalBytes: total, stream: process.stderr, enabled: progressEnabled });
      progress.update(done, file);
    },
  });
  (progress as Progress | null)?.finish();
  if (!opts.quiet) reportMalformed(out.files);
  const text = command === 'count'
    ? out.result.renderCount(opts.format as CountFormat)
    : out.result.renderClients(opts.format as ClientsFormat);
  await writeReport(text, opts.output);
  return opts.strict && out.result.malformed > 0 ? EXIT_STRICT : EXIT_OK;
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedStdout();
  let code = EXIT_OK;
  try {
    let pending: Promise<number> | null = null;
    const run = (command: Command) => (args: unknown) => {
      pending = execute(command, args as RawArgs);
    };
    const parser = yargs(argv);
    skipHelpCaching(parser);
    await parser
      .scriptName('client-auditor')
      .usage('$0 <command> [options] <inputs..>\n\nCounts HashiCorp Vault and Akeyless billable clients offline from archived audit logs.')
      .command('count [inputs..]', 'client totals with namespace, mount, month and new-client breakdowns', (y: Argv) =>
        commonOptions(y)
          .option('format', { alias: 'f', describe: 'table (default), json or csv', type: 'string' })
          .example('$0 count audit.log', 'table of clients by namespace, mount and month')
          .example('$0 count --format json --from 2024-01-01 --to 2024-12-31 logs/', 'one billing year as JSON (Vault activity API shape)')
          .example('$0 count --billing-start 2024-03-15 "logs/**/*.gz"', 'billing months that start on the 15th')
          .example('$0 count --rules vault-1.8 audit.log', 'what a Vault 1.8 server would have reported')
          .example('$0 count --platform akeyless --quota 500 akeyless-log/', 'Akeyless clients per month against a quota')
          .epilog(EPILOG) as Argv, run('count'))
      .command('clients [inputs..]', 'one record per client (Vault activity export fields)', (y: Argv) =>
        commonOptions(y)
          .option('format', { alias: 'f', describe: 'jsonl (default) or csv', type: 'string' })
          .example('$0 clients --format csv audit.log > clients.csv', 'every client with namespace, mount and first use')
          .example('$0 clients --from 2024-06 --to 2024-06 audit.log.gz', 'clients active in June 2024')
          .epilog(EPILOG) as Argv, run('clients'))
      .demandCommand(1, 'give a command: count or clients')
      .strict()
      .version(VERSION)
      .help()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .parseAsync();
    if (pending !== null) code = await pending;
  } catch (e) {
    code = reportError(e);
  } finally {
    releasePrestarted();
  }
  process.exitCode = code;
}

/**
 * After running a command's handler, yargs renders and caches the whole help text, for failures it
 * might report later with help. Ours are reported by .fail() without help, so the render (~25 ms of
 * every run's start-up, string-width over every line) is skipped. Through yargs internals: when they
 * are not there (another yargs version), yargs behaves as before.
 */
function skipHelpCaching(parser: Argv): void {
  type Usage = { cacheHelpMessage?: () => void };
  const internals = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => Usage } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`client-auditor: ${e.message}\nhint: see client-auditor --help\n`);
    return EXIT_USAGE;
  }
  if (e instanceof InputError) {
    process.stderr.write(`client-auditor: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
    return EXIT_INPUT;
  }
  const err = e as Error;
  process.stderr.write(`client-auditor: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.CLIENT_AUDITOR_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('hint: this is a bug; rerun with CLIENT_AUDITOR_DEBUG=1 for details and report it\n');
  return 70;
}
