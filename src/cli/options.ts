// Turns yargs' parsed arguments into one frozen Options object. Every flag is validated here and
// nowhere else; invalid values are UsageErrors (exit 2) naming the flag and the expected form.

import { availableCores } from '../parallel/spawn.js';
import { UsageError } from '../errors.js';
import { parseBillingDay, parseRange } from '../ledger/range.js';
import { VAULT_PROFILES, type ClientsFormat, type CountFormat, type PlatformName, type RunOptions, type VaultProfile } from '../platform.js';

export type Command = 'count' | 'clients';

export interface Options {
  command: Command;
  inputs: string[];
  /** null: detect from the inputs. */
  platform: PlatformName | null;
  run: Omit<RunOptions, 'platform'>;
  format: CountFormat | ClientsFormat;
  output: string | null;
  strict: boolean;
  jobs: number;
  progress: boolean;
  quiet: boolean;
  quota: number | null;
  /** Flags given that do not apply to the platform (warned about once the platform is known). */
  vaultOnlyFlags: string[];
}

export interface RawArgs {
  inputs?: string[];
  platform?: string;
  rules?: string;
  from?: string;
  to?: string;
  'billing-start'?: string;
  prefix?: string;
  strict?: boolean;
  format?: string;
  output?: string;
  jobs?: number;
  progress?: boolean;
  quiet?: boolean;
  'merge-humans'?: boolean;
  quota?: number;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid ${flag} "${value}": expected one of ${allowed.join(', ')}`);
}

export function normaliseOptions(command: Command, a: RawArgs): Options {
  const platform = a.platform === undefined ? null : oneOf('--platform', a.platform, ['vault', 'akeyless'] as const);
  const profile: VaultProfile = a.rules === undefined ? 'current' : oneOf('--rules', a.rules, VAULT_PROFILES);
  const format = command === 'count'
    ? oneOf('--format', a.format ?? 'table', ['table', 'json', 'csv'] as const)
    : oneOf('--format', a.format ?? 'jsonl', ['jsonl', 'csv'] as const);
  let jobs = availableCores();
  if (a.jobs !== undefined) {
    if (!Number.isInteger(a.jobs) || a.jobs < 1 || a.jobs > 256) throw new UsageError(`invalid --jobs "${a.jobs}": expected a whole number from 1 to 256`);
    jobs = a.jobs;
  }
  let quota: number | null = null;
  if (a.quota !== undefined) {
    if (!Number.isInteger(a.quota) || a.quota < 0) throw new UsageError(`invalid --quota "${a.quota}": expected a whole number of monthly clients`);
    quota = a.quota;
  }
  if (a.prefix === '') throw new UsageError('invalid --prefix "": expected the exact text that starts every line');
  const vaultOnlyFlags: string[] = [];
  if (a.rules !== undefined) vaultOnlyFlags.push('--rules');
  if (a.prefix !== undefined) vaultOnlyFlags.push('--prefix');
  if (a['billing-start'] !== undefined) vaultOnlyFlags.push('--billing-start');
  return Object.freeze({
    command,
    inputs: a.inputs ?? [],
    platform,
    run: Object.freeze({
      profile,
      range: parseRange(a.from, a.to),
      billingDay: parseBillingDay(a['billing-start']),
      prefix: a.prefix ?? null,
      mergeHumans: a['merge-humans'] ?? false,
      quota,
    }),
    format,
    output: a.output ?? null,
    strict: a.strict ?? false,
    jobs,
    progress: a.progress ?? true,
    quiet: a.quiet ?? false,
    quota,
    vaultOnlyFlags,
  });
}
