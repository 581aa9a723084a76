/**
 * client-auditor benchmark. `npm run bench` → `npm run build --silent && node dist/bench/run.js`.
 *
 * Environment:
 *   BENCH_SIZE_MB   size of the generated plain log in MB (10^6 bytes); default 1100
 *   BENCH_QUICK=1   50 MB smoke run
 *   BENCH_SEED      generator seed; default 42
 *   BENCH_RUNS      timed runs per fast runner (best reported); default 3, in rounds (every runner
 *                   once per round). Runners whose first run takes longer than 20 s are run once.
 *   BENCH_ONLY      comma list of runner ids to run (raw,cat,naive,jq,ca1,ca,zcat,cagz); default all
 *   BENCH_TIMEOUT_S per-run timeout in seconds; default 1800
 *   BENCH_CLI       client-auditor entry point to benchmark; default bin/client-auditor.js
 *   BENCH_NO_GNU_TIME=1  ignore /usr/bin/time (peak RSS by polling /proc/<pid>/status instead)
 *   BENCH_IDLE_WAIT_S before each timed run, wait up to this long for other processes to use < 10 % of
 *                   the CPUs (shared machines); default 30, 0 = never wait
 *
 * See bench/README.md for what each runner measures.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDataset, type Truth } from './gen.js';
import { JQ_FILTER } from './rules.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = path.resolve(HERE, '..', '..');
const CACHE = path.join(ROOT, 'bench', '.cache');
const CLI = process.env['BENCH_CLI'] !== undefined && process.env['BENCH_CLI'] !== '' ? path.resolve(process.env['BENCH_CLI']) : path.join(ROOT, 'bin', 'client-auditor.js');
const TIME_BIN = '/usr/bin/time';

const TARGETS = {
  plainMBps: 500,
  vsNaive: 4,
  vsJq: 10,
  gzVsZcat: 0.8,
  rssMB: 300,
};

type Group = 'plain' | 'gz';
type Parse = 'none' | 'naive' | 'jq' | 'auditor';

interface RunnerDef {
  id: string;
  label: string;
  group: Group;
  cmd: string[];
  stdoutToNull: boolean;
  parse: Parse;
}

interface Measurement {
  wallS: number;
  rssKB: number | null;
  /** user + system CPU seconds of the child (and its waited-for children), from GNU time. */
  cpuS: number | null;
  /** Share of the machine's CPU capacity used by *other* processes during the run (0..1). */
  otherLoad: number | null;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface RunnerResult {
  id: string;
  label: string;
  group: Group;
  seconds: number | null;
  all_seconds: number[];
  cpu_seconds: number | null;
  /** other processes' share of all CPUs during the reported run (0..1) */
  other_load: number | null;
  mb_per_s: number | null;
  lines_per_s: number | null;
  peak_rss_mb: number | null;
  x_naive: number | null;
  x_zcat: number | null;
  clients: number | null;
  correct: boolean | null;
  /** client-auditor: inputs.requests differs from the generator's statistics (null = same / n/a) */
  breakdown_mismatch: string | null;
  error: string | null;
  skipped: string | null;
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

function which(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out !== '' ? out : null;
}

const hasGnuTime = (() => {
  if (process.env['BENCH_NO_GNU_TIME'] === '1' || !fs.existsSync(TIME_BIN)) return false;
  const r = spawnSync(TIME_BIN, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
})();

const NCPU = os.availableParallelism();

/** Busy and total jiffies over all CPUs from /proc/stat (null when unavailable). */
function cpuJiffies(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = v as [number, number, number, number, number, number, number, number];
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy, total: busy + idle + (iowait ?? 0) };
  } catch {
    return null;
  }
}
const CLK_TCK = 100; // USER_HZ on Linux

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Before a timed run on a shared machine: wait (at most maxWaitS) until other processes use less
 * than 10 % of all CPUs over a 1 s window. Returns the last measured busy share.
 */
async function waitForQuiet(maxWaitS: number): Promise<number | null> {
  if (maxWaitS <= 0) return null;
  const deadline = Date.now() + maxWaitS * 1000;
  let share: number | null = null;
  let announced = false;
  for (;;) {
    const a = cpuJiffies();
    await sleep(1000);
    const b = cpuJiffies();
    if (a === null || b === null || b.total <= a.total) return null;
    share = (b.busy - a.busy) / (b.total - a.total);
    if (share < 0.1 || Date.now() >= deadline) break;
    if (!announced) {
      log(`    machine busy (${(share * 100).toFixed(0)} % of CPUs used by others); waiting up to ${maxWaitS} s for a quiet moment ...`);
      announced = true;
    }
  }
  return share;
}

/** VmHWM of a process (fallback when GNU time is missing; sees only that process, not its children). */
function readHwmKB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function measure(cmd: string[], stdoutToNull: boolean, timeoutS: number): Promise<Measurement> {
  return new Promise((resolve) => {
    const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Date.now()}.txt`);
    const argv = hasGnuTime ? [TIME_BIN, '-f', '%M %e %U %S', '-o', timeFile, ...cmd] : cmd;
    const j0 = cpuJiffies();
    const devNull = stdoutToNull ? fs.openSync('/dev/null', 'w') : null;
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
      cwd: ROOT,
      detached: true, // own process group, so a timeout can kill the whole pipeline
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 64 << 20) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    let hwm: number | null = null;
    const poll = hasGnuTime
      ? null
      : setInterval(() => {
          const v = child.pid !== undefined ? readHwmKB(child.pid) : null;
          if (v !== null && (hwm === null || v > hwm)) hwm = v;
        }, 20);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      const j1 = cpuJiffies();
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (devNull !== null) fs.closeSync(devNull);
      let rssKB: number | null = hwm;
      let cpuS: number | null = null;
      if (hasGnuTime) {
        try {
          const txt = fs.readFileSync(timeFile, 'utf8');
          // GNU time prefixes "Command exited with non-zero status N" on failure; take the last line.
          const lastLine = txt.trim().split('\n').pop() ?? '';
          const m = /^(\d+)\s+[\d.]+\s+([\d.]+)\s+([\d.]+)$/.exec(lastLine.trim());
          if (m) {
            rssKB = Number(m[1]);
            cpuS = Number(m[2]) + Number(m[3]);
          }
          fs.unlinkSync(timeFile);
        } catch {
          /* no time output (killed) */
        }
      }
      let otherLoad: number | null = null;
      if (j0 !== null && j1 !== null && cpuS !== null && j1.total > j0.total) {
        // Everything busy on the machine minus the measured command itself (and this harness, ~0).
        const busyS = (j1.busy - j0.busy) / CLK_TCK;
        otherLoad = Math.min(1, Math.max(0, (busyS - cpuS) / (wallS * NCPU)));
      }
      // GNU time exits with the child's status; a signal kill of the child gives 128+n via time.
      resolve({ wallS, rssKB, cpuS, otherLoad, code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The informative part of a child's stderr: from the first line naming an error, else the start. */
function errorExcerpt(s: string): string {
  const lines = s.trim().split('\n');
  const i = lines.findIndex((l) => /\b[A-Za-z]*Error\b|\berror\b/i.test(l));
  return (i >= 0 ? lines.slice(i, i + 3) : lines.slice(0, 4)).join('\n');
}

interface Extracted {
  clients: number | null;
  /** client-auditor only: inputs.requests (countable + exclusion reasons), compared with the truth */
  requests: unknown;
  error: string | null;
}

function extractClients(parse: Parse, m: Measurement): Extracted {
  if (parse === 'none') return { clients: null, requests: null, error: null };
  try {
    if (parse === 'jq') {
      const n = Number(m.stdout.trim());
      if (!Number.isInteger(n)) throw new Error(`unexpected output ${JSON.stringify(m.stdout.slice(0, 200))}`);
      return { clients: n, requests: null, error: null };
    }
    const doc = JSON.parse(m.stdout) as { clients?: unknown; total?: { clients?: unknown }; inputs?: { requests?: unknown } };
    const v = parse === 'naive' ? doc.clients : doc.total?.clients;
    if (typeof v !== 'number') throw new Error(parse === 'auditor' ? 'no numeric total.clients in the JSON output' : 'no clients in output');
    return { clients: v, requests: parse === 'auditor' ? (doc.inputs?.requests ?? null) : null, error: null };
  } catch (e) {
    return { clients: null, requests: null, error: `cannot read the client total: ${(e as Error).message}` };
  }
}

/** One runner's timed runs so far (runs are taken in rounds, every runner once per round). */
interface RunnerState {
  def: RunnerDef;
  res: RunnerResult;
  peakKB: number | null;
  good: Measurement[];
  /** No more runs: it failed, or its first run was slow enough that one is plenty. */
  done: boolean;
}

function runnerState(def: RunnerDef): RunnerState {
  return { def, res: emptyResult(def), peakKB: null, good: [], done: false };
}

/** One timed run of a runner. */
async function runOnce(st: RunnerState, truth: Truth, round: number, runs: number, timeoutS: number, idleWaitS: number): Promise<void> {
  const { def, res } = st;
  log(`  ${def.label}: run ${round + 1}/${runs} ...`);
  await waitForQuiet(idleWaitS);
  const m = await measure(def.cmd, def.stdoutToNull, timeoutS);
  if (m.rssKB !== null) st.peakKB = Math.max(st.peakKB ?? 0, m.rssKB);
  st.done = true;
  if (m.timedOut) {
    res.error = `timed out after ${timeoutS} s`;
    return;
  }
  if (m.code !== 0) {
    res.error = `exit ${m.code ?? m.signal}: ${errorExcerpt(m.stderr) || '(no stderr)'}`;
    return;
  }
  const { clients, requests, error } = extractClients(def.parse, m);
  if (error !== null) {
    res.error = error;
    return;
  }
  if (clients !== null) {
    if (res.clients !== null && res.clients !== clients) {
      res.error = `non-deterministic: ${res.clients} then ${clients}`;
    }
    res.clients = clients;
  }
  if (def.parse === 'auditor') {
    // Finer check: countable requests and exclusion reasons (spec §5.2) must match the generator's.
    const want = { countable: truth.requests.countable, out_of_range: 0, excluded: truth.requests.excluded };
    const got = requests as { countable?: unknown; out_of_range?: unknown; excluded?: Record<string, unknown> } | null;
    const same =
      got !== null &&
      got.countable === want.countable &&
      (got.out_of_range ?? 0) === 0 &&
      Object.entries(want.excluded).every(([k, v]) => got.excluded?.[k] === v);
    res.breakdown_mismatch = same ? null : `inputs.requests = ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
  }
  res.all_seconds.push(Math.round(m.wallS * 1000) / 1000);
  st.good.push(m);
  log(
    `    ${m.wallS.toFixed(2)} s, cpu ${m.cpuS?.toFixed(2) ?? 'n/a'} s, ${m.rssKB !== null ? ((m.rssKB * 1024) / 1e6).toFixed(0) + ' MB RSS' : 'RSS n/a'}` +
      `, other load ${m.otherLoad !== null ? (m.otherLoad * 100).toFixed(0) + ' %' : 'n/a'}`,
  );
  st.done = res.error !== null || m.wallS > 20; // slow runners: one run is plenty
}

/** The runner's result from its runs: the best of them. */
function runnerResult(st: RunnerState, truth: Truth): RunnerResult {
  const { res, good, peakKB } = st;
  if (good.length > 0 && res.error === null) {
    // Best of N: the least disturbed run (the machine may be shared).
    const best = good.reduce((a, b) => (b.wallS < a.wallS ? b : a));
    const s = best.wallS;
    res.seconds = s;
    res.cpu_seconds = best.cpuS;
    res.other_load = best.otherLoad;
    res.mb_per_s = truth.bytes / 1e6 / s;
    res.lines_per_s = truth.lines / s;
  }
  res.peak_rss_mb = peakKB !== null ? (peakKB * 1024) / 1e6 : null;
  if (res.clients !== null) res.correct = res.clients === truth.total.clients;
  return res;
}

/** Commit of the working tree being benchmarked, with a note when src/ or bin/ have local changes. */
function engineVersion(): string {
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'bin'], { encoding: 'utf8' });
  const n = dirty.stdout.split('\n').filter((l) => l.trim() !== '').length;
  return head.stdout.trim() + (n > 0 ? ` + ${n} uncommitted file(s) in src/ bin/` : '');
}

function machineInfo(): Record<string, string | number> {
  let cpu = 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  const jq = which('jq');
  return {
    nproc: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(os.cpus().length),
    available_parallelism: os.availableParallelism(),
    cpu,
    ram_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    jq: jq !== null ? spawnSync(jq, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'not installed',
    peak_rss_via: hasGnuTime ? '/usr/bin/time -f %M' : '/proc/<pid>/status VmHWM polling (children not seen)',
  };
}

function fmt(v: number | null, digits: number): string {
  return v === null ? '-' : v.toFixed(digits);
}

function fmtInt(v: number | null): string {
  return v === null ? '-' : Math.round(v).toLocaleString('en-US');
}

function table(headers: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const quick = process.env['BENCH_QUICK'] === '1';
  const sizeMB = quick ? 50 : envInt('BENCH_SIZE_MB', 1100);
  const seed = envInt('BENCH_SEED', 42);
  const runs = envInt('BENCH_RUNS', 3);
  const timeoutS = envInt('BENCH_TIMEOUT_S', 1800);
  const idleWaitS = process.env['BENCH_IDLE_WAIT_S'] === '0' ? 0 : envInt('BENCH_IDLE_WAIT_S', 30);
  const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const engine = process.env['BENCH_CLI'] ? `${CLI} (BENCH_CLI)` : `commit ${engineVersion()}`;
  const loadStart = os.loadavg();
  log(`client-auditor bench: ${sizeMB} MB, seed ${seed}, ${machine['nproc']} CPUs, node ${process.version}`);
  const ds = await ensureDataset({ sizeMB, seed }, CACHE, log);
  const truth = ds.truth;
  const rel = (p: string): string => path.relative(ROOT, p);

  // Warm the page cache for both files: every runner then reads from RAM (stated in the output).
  log('warming the page cache (cat both files > /dev/null) ...');
  await measure(['cat', ds.logPath, ds.gzPath], true, timeoutS);

  const node = process.execPath;
  const jq = which('jq');
  const defs: RunnerDef[] = [
    { id: 'raw', label: 'raw read (node fs.read, 1 MiB buf)', group: 'plain', cmd: [node, path.join(HERE, 'raw-read.js'), ds.logPath], stdoutToNull: false, parse: 'none' },
    { id: 'cat', label: 'cat FILE > /dev/null', group: 'plain', cmd: ['cat', ds.logPath], stdoutToNull: true, parse: 'none' },
    { id: 'naive', label: 'naive node (readline + JSON.parse)', group: 'plain', cmd: [node, path.join(HERE, 'naive.js'), ds.logPath], stdoutToNull: false, parse: 'naive' },
    {
      id: 'jq',
      label: 'jq -r FILTER | sort -u | wc -l',
      group: 'plain',
      cmd: ['bash', '-c', 'set -o pipefail; jq -r "$1" "$2" | LC_ALL=C sort -u | wc -l', 'bash', JQ_FILTER, ds.logPath],
      stdoutToNull: false,
      parse: 'jq',
    },
    {
      id: 'ca1',
      label: 'client-auditor --jobs 1',
      group: 'plain',
      cmd: [node, CLI, 'count', '--format', 'json', '--no-progress', '--jobs', '1', ds.logPath],
      stdoutToNull: false,
      parse: 'auditor',
    },
    {
      id: 'ca',
      label: 'client-auditor (default jobs)',
      group: 'plain',
      cmd: [node, CLI, 'count', '--format', 'json', '--no-progress', ds.logPath],
      stdoutToNull: false,
      parse: 'auditor',
    },
    { id: 'zcat', label: 'zcat FILE.gz > /dev/null', group: 'gz', cmd: ['zcat', ds.gzPath], stdoutToNull: true, parse: 'none' },
    {
      id: 'cagz',
      label: 'client-auditor FILE.gz (default jobs)',
      group: 'gz',
      cmd: [node, CLI, 'count', '--format', 'json', '--no-progress', ds.gzPath],
      stdoutToNull: false,
      parse: 'auditor',
    },
  ];

  // Runs go in rounds, every runner once per round, so that each runner's best run and the baselines
  // it is compared with come from the same stretch of time: this VM's speed for memory-bound work
  // swings within minutes (bench/RESULTS.md), and runner after runner put minutes between them.
  const slots: (RunnerResult | RunnerState)[] = [];
  for (const def of defs) {
    if (only.length > 0 && !only.includes(def.id)) continue;
    if (def.id === 'jq' && jq === null) {
      log(`runner ${def.id}: jq not installed`);
      slots.push({ ...emptyResult(def), skipped: 'jq not installed' });
    } else if (def.parse === 'auditor' && !fs.existsSync(CLI)) {
      slots.push({ ...emptyResult(def), error: `${rel(CLI)} not found` });
    } else {
      slots.push(runnerState(def));
    }
  }
  const states = slots.filter((x): x is RunnerState => 'good' in x);
  for (let round = 0; round < runs; round++) {
    log(`round ${round + 1}/${runs}`);
    for (const st of states) {
      if (st.done) continue;
      await runOnce(st, truth, round, runs, timeoutS, idleWaitS);
      if (st.res.error !== null) log(`  !!! ${st.def.label} FAILED: ${st.res.error}`);
    }
  }
  const results: RunnerResult[] = slots.map((x) => ('good' in x ? runnerResult(x, truth) : x));

  const byId = (id: string): RunnerResult | undefined => results.find((r) => r.id === id);
  const naive = byId('naive');
  const zcat = byId('zcat');
  for (const r of results) {
    if (r.seconds === null) continue;
    if (naive?.seconds != null) r.x_naive = naive.seconds / r.seconds;
    if (r.group === 'gz' && zcat?.seconds != null) r.x_zcat = zcat.seconds / r.seconds;
  }

  // ---- table ----
  const out: string[] = [];
  const sizeLine =
    `${rel(ds.logPath)} (generator v${truth.generator_version}, seed ${truth.seed}): ${(truth.bytes / 1e6).toFixed(0)} MB, ${truth.lines.toLocaleString('en-US')} lines ` +
    `(${truth.line_bytes.min} B .. ${(truth.line_bytes.max / 1e6).toFixed(1)} MB, mean ${truth.line_bytes.mean} B); ` +
    `.gz ${(truth.gz_bytes / 1e6).toFixed(0)} MB`;
  out.push('');
  out.push(`client-auditor benchmark — started ${startedAt}, finished ${new Date().toISOString()}`);
  out.push(`machine: ${machine['nproc']} CPUs (${machine['cpu']}), ${machine['ram_gb']} GiB RAM, node ${process.version}, ${machine['jq']}`);
  out.push(`engine:  client-auditor ${engine}`);
  out.push(`load:    loadavg ${loadStart.map((v) => v.toFixed(2)).join(' ')} at start, ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  out.push(`data:    ${sizeLine}`);
  out.push(
    `truth:   ${truth.total.clients} clients (${truth.total.entity_clients} entity, ${truth.total.non_entity_clients} non-entity); ` +
      `${truth.requests.countable} countable of ${truth.entries.request} requests`,
  );
  out.push('note:    both files are in the page cache (warmed with cat before timing; 24 GB RAM) — disk speed is not measured.');
  out.push(`         seconds = best of up to ${runs} runs (runners slower than 20 s: 1 run); cpu s = user+sys of that run; MB/s and`);
  out.push('         lines/s are of the uncompressed log, also for .gz rows; RSS in MB = 10^6 bytes (max over runs); x naive / x zcat =');
  out.push(`         speed ratio; other load = share of all ${NCPU} CPUs used by other processes during the run (noise indicator).`);
  out.push('');
  const headers = ['runner', 'seconds', 'cpu s', 'MB/s', 'lines/s', 'peak RSS MB', 'x naive', 'x zcat', 'clients', 'check', 'other load'];
  const rows = results.map((r) => [
    (r.group === 'gz' ? '[gz] ' : '') + r.label,
    r.skipped !== null ? r.skipped : r.error !== null ? 'FAILED' : fmt(r.seconds, 2),
    fmt(r.cpu_seconds, 2),
    fmt(r.mb_per_s, 0),
    fmtInt(r.lines_per_s),
    fmt(r.peak_rss_mb, 0),
    r.x_naive !== null ? fmt(r.x_naive, 2) + 'x' : '-',
    r.x_zcat !== null ? fmt(r.x_zcat, 2) + 'x' : '-',
    r.clients !== null ? String(r.clients) : '-',
    r.error !== null
      ? 'ERROR'
      : r.correct === null
        ? '-'
        : !r.correct
          ? `MISMATCH (truth ${truth.total.clients})`
          : r.breakdown_mismatch !== null
            ? 'OK, reasons differ'
            : 'OK',
    r.other_load !== null ? `${(r.other_load * 100).toFixed(0)} %` : '-',
  ]);
  out.push(table(headers, rows, [false, true, true, true, true, true, true, true, true, false, true]));
  const noisy = results.filter((r) => r.other_load !== null && r.other_load > 0.1);
  if (noisy.length > 0) {
    out.push('');
    out.push(
      `WARNING: other processes used more than 10 % of the machine during: ${noisy.map((r) => r.id).join(', ')}. ` +
        'Wall times (and ratios) are inflated; cpu s is less affected. Re-run on an idle machine.',
    );
  }

  // ---- errors, loudly ----
  const failed = results.filter((r) => r.error !== null);
  const wrong = results.filter((r) => r.correct === false);
  const reasons = results.filter((r) => r.breakdown_mismatch !== null);
  if (failed.length > 0 || wrong.length > 0 || reasons.length > 0) {
    out.push('');
    out.push('!'.repeat(100));
    for (const r of failed) out.push(`!!! ${r.label} FAILED: ${r.error!.replace(/\n/g, '\n!!!     ')}`);
    for (const r of reasons) out.push(`!!! ${r.label}: ${r.breakdown_mismatch}`);
    for (const r of wrong) out.push(`!!! ${r.label} found ${r.clients} clients, ground truth is ${truth.total.clients} (differs by ${r.clients! - truth.total.clients})`);
    out.push('!'.repeat(100));
  }

  // ---- targets ----
  const ca = byId('ca');
  const ca1 = byId('ca1');
  const cagz = byId('cagz');
  const jqr = byId('jq');
  type Verdict = 'PASS' | 'FAIL' | 'n/a';
  const targets: { target: string; measured: string; verdict: Verdict }[] = [];
  const add = (target: string, value: number | null, ok: (v: number) => boolean, show: (v: number) => string, why: string | null): void => {
    if (value === null) targets.push({ target, measured: why ?? 'not measured', verdict: why?.startsWith('n/a') ? 'n/a' : 'FAIL' });
    else targets.push({ target, measured: show(value), verdict: ok(value) ? 'PASS' : 'FAIL' });
  };
  const whyMissing = (r: RunnerResult | undefined): string | null =>
    r === undefined ? 'n/a (not run)' : r.skipped !== null ? `n/a (${r.skipped})` : r.error !== null ? 'client-auditor failed' : null;
  add(`plain throughput >= ${TARGETS.plainMBps} MB/s (default jobs)`, ca?.mb_per_s ?? null, (v) => v >= TARGETS.plainMBps, (v) => `${v.toFixed(0)} MB/s`, whyMissing(ca));
  add(`>= ${TARGETS.vsNaive}x naive node (default jobs)`, ca?.x_naive ?? null, (v) => v >= TARGETS.vsNaive, (v) => `${v.toFixed(2)}x`, whyMissing(ca) ?? whyMissing(naive));
  const vsJq = ca?.seconds != null && jqr?.seconds != null ? jqr.seconds / ca.seconds : null;
  add(`>= ${TARGETS.vsJq}x jq (default jobs)`, vsJq, (v) => v >= TARGETS.vsJq, (v) => `${v.toFixed(1)}x`, whyMissing(ca) ?? whyMissing(jqr));
  add(`.gz >= ${TARGETS.gzVsZcat}x zcat (default jobs)`, cagz?.x_zcat ?? null, (v) => v >= TARGETS.gzVsZcat, (v) => `${v.toFixed(2)}x`, whyMissing(cagz) ?? whyMissing(zcat));
  const caAll = [ca1, ca, cagz].filter((r): r is RunnerResult => r !== undefined);
  const caRuns = caAll.filter((r) => r.peak_rss_mb !== null && r.error === null);
  const maxRss = caRuns.length > 0 && caRuns.length === caAll.length ? Math.max(...caRuns.map((r) => r.peak_rss_mb!)) : null;
  add(`peak RSS <= ${TARGETS.rssMB} MB (every client-auditor run)`, maxRss, (v) => v <= TARGETS.rssMB, (v) => `${v.toFixed(0)} MB max`, caAll.length === 0 ? 'n/a (not run)' : 'client-auditor failed');
  const allCorrect = caAll.length > 0 && caAll.every((r) => r.correct === true);
  const reasonsOk = caAll.length > 0 && caAll.every((r) => r.error === null && r.breakdown_mismatch === null);
  targets.push({
    target: 'inputs.requests (countable + exclusion reasons) == generator',
    measured: caAll.length === 0 ? 'n/a (not run)' : reasonsOk ? `countable ${truth.requests.countable}, reasons match` : 'differs (see !!! above)',
    verdict: caAll.length === 0 ? 'n/a' : reasonsOk ? 'PASS' : 'FAIL',
  });
  targets.push({
    target: `client total == ground truth (${truth.total.clients})`,
    measured: caAll.length === 0 ? 'n/a (not run)' : caAll.map((r) => `${r.id}=${r.clients ?? 'ERR'}`).join(' '),
    verdict: caAll.length === 0 ? 'n/a' : allCorrect ? 'PASS' : 'FAIL',
  });
  if (ca1?.mb_per_s != null) {
    targets.push({ target: `(info) --jobs 1 throughput vs ${TARGETS.plainMBps} MB/s`, measured: `${ca1.mb_per_s.toFixed(0)} MB/s` + (ca1.x_naive !== null ? `, ${ca1.x_naive.toFixed(2)}x naive` : ''), verdict: ca1.mb_per_s >= TARGETS.plainMBps ? 'PASS' : 'FAIL' });
  }
  out.push('');
  out.push(table(['target', 'measured', 'verdict'], targets.map((t) => [t.target, t.measured, t.verdict]), [false, false, false]));
  out.push('');
  process.stdout.write(out.join('\n') + '\n');

  const record = {
    date: startedAt,
    finished: new Date().toISOString(),
    machine,
    params: { size_mb: sizeMB, seed, runs, quick },
    engine,
    loadavg: { start: loadStart, end: os.loadavg() },
    dataset: { log: rel(ds.logPath), gz: rel(ds.gzPath), truth },
    page_cache: 'warm (files read with cat before timing)',
    results,
    targets,
  };
  fs.writeFileSync(path.join(CACHE, 'last-run.json'), JSON.stringify(record, null, 2) + '\n');
  log(`wrote ${rel(path.join(CACHE, 'last-run.json'))}`);
}

function emptyResult(def: RunnerDef): RunnerResult {
  return {
    id: def.id,
    label: def.label,
    group: def.group,
    seconds: null,
    all_seconds: [],
    cpu_seconds: null,
    other_load: null,
    mb_per_s: null,
    lines_per_s: null,
    peak_rss_mb: null,
    x_naive: null,
    x_zcat: null,
    clients: null,
    correct: null,
    breakdown_mismatch: null,
    error: null,
    skipped: null,
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
