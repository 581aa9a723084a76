// End to end through bin/client-auditor.js: exit codes (spec vault.md §2), error messages [B1],
// --output, closed stdout, --help/--version, and [B2] over stdout and stderr.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cli, CLI, REPO_ROOT, tempDir, jsonl, richLog, req, H } from '../support/vault.js';

let dir: string;
let log: string;
let clean: string;
beforeAll(() => {
  dir = tempDir('ca-cli-exit-');
  log = path.join(dir, 'audit.log');
  fs.writeFileSync(log, jsonl(richLog()));
  clean = path.join(dir, 'clean.log');
  fs.writeFileSync(clean, jsonl(richLog().filter((e) => typeof e !== 'string' || e.includes('{'))));
});

/** One error line naming `needle`, one hint line, nothing else (no stack trace). */
function expectCleanError(stderr: string, needle: string) {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines.length, stderr).toBe(2);
  expect(lines[0]).toMatch(/^client-auditor: /);
  expect(lines[0]).toContain(needle);
  expect(lines[1]).toMatch(/^hint: \S/);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain('internal error');
}

describe('exit code 0', () => {
  it('exit 0 for a readable log (warnings allowed), report on stdout', () => {
    const r = cli(['count', '--format', 'json', log]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.total).toEqual({ clients: 5, entity_clients: 3, non_entity_clients: 2, secret_syncs: 0, acme_clients: 0 });
    expect(doc.warnings.length).toBeGreaterThan(0);
  });

  it('exit 0 and a valid report for an empty file', () => {
    const empty = path.join(dir, 'empty.log');
    fs.writeFileSync(empty, '');
    const r = cli(['count', '--format', 'json', empty]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ start_time: null, end_time: null, by_namespace: [], months: [], warnings: [] });
    const c = cli(['clients', '--format', 'csv', empty]);
    expect([c.code, c.stdout]).toEqual([0, 'client_id,client_type,namespace_id,namespace_path,mount_accessor,mount_path,mount_type,token_creation_time,client_first_usage_time\n']);
  });
});

describe('exit code 1: fatal input errors', () => {
  it('exit 1 for a missing path, message names it', () => {
    const missing = path.join(dir, 'nope', 'missing.log');
    const r = cli(['count', log, missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectCleanError(r.stderr, missing);
  });

  it('exit 1 for an unreadable file (chmod 000)', (ctx) => {
    if (process.getuid?.() === 0) {
      ctx.skip(); // root reads mode-000 files; the case cannot be produced
      return;
    }
    const locked = path.join(dir, 'locked.log');
    fs.writeFileSync(locked, jsonl(richLog()));
    fs.chmodSync(locked, 0o000);
    try {
      const r = cli(['count', locked]);
      expect(r.code).toBe(1);
      expectCleanError(r.stderr, locked);
    } finally {
      fs.chmodSync(locked, 0o644);
    }
  });

  it('exit 1 for a corrupt .gz', () => {
    const bad = path.join(dir, 'corrupt.log.gz');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('this is not deflate data at all'.repeat(10))]));
    const r = cli(['count', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectCleanError(r.stderr, bad);
  });

  it('exit 1 for a truncated .gz', () => {
    const full = zlib.gzipSync(Buffer.from(jsonl(richLog()).repeat(50)));
    const cut = path.join(dir, 'truncated.log.gz');
    fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length / 2)));
    const r = cli(['count', cut]);
    expect(r.code).toBe(1);
    expectCleanError(r.stderr, cut);
  });

  it('exit 1 for a glob that matches nothing', () => {
    const r = cli(['count', path.join(dir, 'nothing-*.log')]);
    expect(r.code).toBe(1);
    expectCleanError(r.stderr, 'nothing-*.log');
  });
});

describe('exit code 2: invalid command line', () => {
  const cases: [string, string[], string][] = [
    ['--rules nope', ['count', '--rules', 'nope'], '--rules'],
    ['--from 2024-02-31', ['count', '--from', '2024-02-31'], '--from'],
    ['--to 2024-13', ['count', '--to', '2024-13'], '--to'],
    ['--from after --to', ['count', '--from', '2024-06-01', '--to', '2024-05-01'], '--from'],
    ['--billing-start 2024-02-30', ['count', '--billing-start', '2024-02-30'], '--billing-start'],
    ['unknown option', ['count', '--bogus-flag'], 'bogus'],
    ['--format xml', ['count', '--format', 'xml'], '--format'],
    ['clients --format json', ['clients', '--format', 'json'], '--format'],
    ['--jobs 0', ['count', '--jobs', '0'], '--jobs'],
    ['no command', [], 'command'],
  ];
  for (const [name, args, needle] of cases) {
    it(`exit 2 for ${name}`, () => {
      const r = cli(args.length === 0 ? [] : [...args, log]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(needle);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('usage errors are one message line plus a hint', () => {
    const r = cli(['count', '--rules', 'nope', log]);
    expectCleanError(r.stderr, 'nope');
  });
});

describe('exit code 3: --strict', () => {
  it('exit 3 with malformed lines under --strict, and the report is still written', () => {
    const r = cli(['count', '--format', 'json', '--strict', log]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.rules.strict).toBe(true);
    expect(doc.inputs.malformed).toBe(1);
    expect(doc.inputs.files[0].malformed_examples).toEqual([{ line: 8, reason: 'no JSON object on line' }]);
  });

  it('exit 0 under --strict without malformed lines; a truncated last line does not trigger it', () => {
    const f = path.join(dir, 'truncated-last.log');
    fs.writeFileSync(f, jsonl([req({ time: '2024-05-01T00:00:00Z', token: H('1'), entity: 'E1', displayName: 'token' })]) + '{"time":"2024-05-01T00:00:01Z","ty');
    const r = cli(['count', '--format', 'json', '--strict', f]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([`truncated-last-line: ${f}`]);
  });

  it('without --strict malformed lines exit 0, noted on stderr by line number only', () => {
    const r = cli(['count', '--format', 'json', log]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${log}:8: no JSON object on line`);
    expect(r.stderr).not.toContain('rotated');
  });
});

describe('--output', () => {
  it('--output FILE writes the report there and nothing to stdout', () => {
    const out = path.join(dir, 'report.json');
    const r = cli(['count', '--format', 'json', '--output', out, log]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    const viaStdout = cli(['count', '--format', 'json', log]).stdout;
    expect(fs.readFileSync(out, 'utf8')).toBe(viaStdout);
  });

  it('--output pointing at a directory is a clean error naming it', () => {
    const r = cli(['count', '--output', dir, clean]);
    expect(r.code).toBe(1);
    expectCleanError(r.stderr, dir);
  });

  it('--output in a missing directory is a clean error', () => {
    const target = path.join(dir, 'no-such-dir', 'r.json');
    const r = cli(['count', '--output', target, clean]);
    expect(r.code).toBe(1);
    expectCleanError(r.stderr, target);
  });
});

describe('closed stdout', () => {
  it('`clients … | head -1` exits 0 with no error output', () => {
    const big = path.join(dir, 'many-clients.log');
    const lines: string[] = [];
    for (let i = 0; i < 30000; i++) lines.push(JSON.stringify(req({ time: '2024-05-01T00:00:00Z', token: H(i.toString(16)), entity: `entity-${String(i).padStart(6, '0')}`, displayName: 'token' })));
    fs.writeFileSync(big, lines.join('\n') + '\n');
    const r = spawnSync('bash', ['-c', `node "${CLI}" clients "${big}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', cwd: REPO_ROOT });
    expect(r.stdout.split('\n').filter((l) => l !== '').length).toBe(1);
    expect(JSON.parse(r.stdout).client_id).toBe('entity-000000');
    expect(r.stderr.trim()).toBe('status=0');
  });
});

describe('--help and --version', () => {
  for (const cmd of ['count', 'clients']) {
    it(`${cmd} --help lists the options`, () => {
      const r = cli([cmd, '--help']);
      expect(r.code).toBe(0);
      for (const opt of ['--platform', '--rules', '--from', '--to', '--billing-start', '--prefix', '--strict', '--format', '--output', '--jobs', '--quiet', '--help']) {
        expect(r.stdout, opt).toContain(opt);
      }
      expect(r.stdout).toContain(cmd === 'count' ? 'table (default), json or csv' : 'jsonl (default) or csv');
    });
  }

  it('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const r = cli(['--version']);
    expect([r.code, r.stdout.trim()]).toEqual([0, pkg.version]);
  });
});

describe('B2 through the binary: stdout and stderr', () => {
  it('B2 no token/accessor HMAC or plaintext token in stdout/stderr of count json/table/csv and clients jsonl/csv', () => {
    const secrets = ['hmac-sha256:' + 'a'.repeat(64), 'hmac-sha256:' + 'b'.repeat(64), 'hmac-sha256:' + 'c'.repeat(64), 'hvs.PlainTokenFromLogRaw', 'PlainAccessorFromLogRaw'];
    const f = path.join(dir, 'secrets.log');
    fs.writeFileSync(f, jsonl([
      req({ time: '2024-05-01T00:00:00Z', token: secrets[0], accessor: secrets[1], policies: ['p'], displayName: 'token', clientId: 'wrong-id' }),
      req({ time: '2024-05-01T00:00:01Z', reqToken: secrets[2], entity: 'E1', displayName: 'x' }),
      req({ time: '2024-05-01T00:00:02Z', token: secrets[3], accessor: secrets[4], policies: ['q'], displayName: 'token' }),
      `broken line with ${secrets[3]} and ${secrets[0]}`,
      `{"time":"2024-05-01T00:00:03Z","type":"request","auth":{"client_token":"${secrets[3]}"},`,
      `{"time":"bad","type":"request","auth":{"client_token":"${secrets[2]}"}}`,
    ]) + `{"time":"2024-05-01T00:00:04Z","auth":{"client_token":"${secrets[3]}`);
    const runs = [
      ['count', '--format', 'json'], ['count', '--format', 'table'], ['count', '--format', 'csv'],
      ['clients', '--format', 'jsonl'], ['clients', '--format', 'csv'],
      ['count', '--format', 'json', '--rules', 'vault-1.8'], ['clients', '--rules', 'legacy-auditor'], ['clients', '--rules', 'vault-1.6'],
      ['count', '--format', 'json', '--strict'],
    ];
    for (const args of runs) {
      const r = cli([...args, f]);
      expect([0, 3]).toContain(r.code);
      for (const s of secrets) {
        expect(r.stdout.includes(s), `${args.join(' ')} stdout`).toBe(false);
        expect(r.stderr.includes(s), `${args.join(' ')} stderr`).toBe(false);
      }
    }
    const doc = JSON.parse(cli(['count', '--format', 'json', f]).stdout);
    expect(doc.warnings).toContain('unhashed-tokens: token fields without the hmac-sha256: prefix were seen');
  });
});
