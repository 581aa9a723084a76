/**
 * Shared helpers for test/vault and test/cli: builders for Vault audit entries, an in-process
 * runner (src/pipeline.ts with --jobs 1, inline, no worker threads) and a black-box CLI runner.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/pipeline.js';
import { parseRange, parseBillingDay } from '../../src/ledger/range.js';
import type { VaultProfile } from '../../src/platform.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO_ROOT, 'bin', 'client-auditor.js');

type Obj = Record<string, unknown>;

export function tempDir(prefix = 'ca-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------- entry builders

export interface ReqOpts {
  time: string;
  token?: string;
  accessor?: string;
  reqToken?: string;
  reqAccessor?: string;
  entity?: string;
  policies?: string[];
  /** auth.policies (only used when token_policies are absent/empty). */
  authPolicies?: string[];
  displayName?: string;
  path?: string;
  ns?: unknown;
  clientId?: string;
  error?: string;
  allowed?: boolean;
  issueTime?: string;
  mountType?: string;
  mountAccessor?: string;
  extra?: Obj;
  auth?: Obj;
  type?: string;
}

/** A request entry. Without `token`/`accessor`/`reqToken` it carries no token. */
export function req(o: ReqOpts): Obj {
  const auth: Obj = { ...(o.auth ?? {}) };
  if (o.token !== undefined) auth.client_token = o.token;
  if (o.accessor !== undefined) auth.accessor = o.accessor;
  if (o.displayName !== undefined) auth.display_name = o.displayName;
  if (o.authPolicies !== undefined) auth.policies = o.authPolicies;
  if (o.policies !== undefined) auth.token_policies = o.policies;
  if (o.allowed !== undefined) auth.policy_results = { allowed: o.allowed };
  if (o.entity !== undefined) auth.entity_id = o.entity;
  if (o.issueTime !== undefined) auth.token_issue_time = o.issueTime;
  const request: Obj = {};
  if (o.clientId !== undefined) request.client_id = o.clientId;
  if (o.mountType !== undefined) request.mount_type = o.mountType;
  if (o.mountAccessor !== undefined) request.mount_accessor = o.mountAccessor;
  if (o.reqToken !== undefined) request.client_token = o.reqToken;
  if (o.reqAccessor !== undefined) request.client_token_accessor = o.reqAccessor;
  if (o.ns !== undefined) request.namespace = o.ns;
  else request.namespace = { id: 'root' };
  request.path = o.path ?? 'secret/data/app';
  const e: Obj = { time: o.time, type: o.type ?? 'request', auth };
  e.request = request;
  if (o.error !== undefined) e.error = o.error;
  return { ...e, ...(o.extra ?? {}) };
}

export interface RespOpts {
  time: string;
  path: string;
  token?: string;
  accessor?: string;
  entity?: string;
  policies?: string[];
  displayName?: string;
  ns?: unknown;
  mountPoint?: string;
  mountType?: string;
  mountAccessor?: string;
  respMountType?: string;
  respMountAccessor?: string;
  issueTime?: string;
  wrapToken?: string;
  error?: string;
  /** top-level auth of the response (for response-only mode). */
  auth?: Obj;
}

/** A response entry; with `token` it carries response.auth (a possibly issued token). */
export function resp(o: RespOpts): Obj {
  const request: Obj = {};
  if (o.mountPoint !== undefined) request.mount_point = o.mountPoint;
  if (o.mountType !== undefined) request.mount_type = o.mountType;
  if (o.mountAccessor !== undefined) request.mount_accessor = o.mountAccessor;
  request.namespace = o.ns ?? { id: 'root' };
  request.path = o.path;
  const response: Obj = {};
  if (o.token !== undefined) {
    const a: Obj = { client_token: o.token };
    if (o.accessor !== undefined) a.accessor = o.accessor;
    if (o.displayName !== undefined) a.display_name = o.displayName;
    if (o.policies !== undefined) a.token_policies = o.policies;
    if (o.entity !== undefined) a.entity_id = o.entity;
    if (o.issueTime !== undefined) a.token_issue_time = o.issueTime;
    response.auth = a;
  }
  if (o.respMountType !== undefined) response.mount_type = o.respMountType;
  if (o.respMountAccessor !== undefined) response.mount_accessor = o.respMountAccessor;
  if (o.wrapToken !== undefined) response.wrap_info = { token: o.wrapToken, ttl: 300, creation_path: o.path };
  const e: Obj = { time: o.time, type: 'response' };
  if (o.auth !== undefined) e.auth = o.auth;
  e.request = request;
  e.response = response;
  if (o.error !== undefined) e.error = o.error;
  return e;
}

/** A login response issuing `token` on auth/<mount>/ (mount_point and type as Vault 1.14+ logs them). */
export function login(o: { time: string; mount: string; type: string; token: string; accessor?: string; entity?: string;
  mountAccessor?: string; ns?: unknown; nsPath?: string; user?: string; policies?: string[]; issueTime?: string }): Obj {
  const mp = `${o.nsPath ?? ''}auth/${o.mount}/`;
  return resp({
    time: o.time, path: `auth/${o.mount}/login${o.user !== undefined ? '/' + o.user : ''}`, token: o.token,
    accessor: o.accessor, entity: o.entity, policies: o.policies ?? ['default'], mountPoint: mp, mountType: o.type,
    mountAccessor: o.mountAccessor, ns: o.ns, issueTime: o.issueTime,
  });
}

export const H = (s: string): string => 'hmac-sha256:' + s.padStart(64, '0').slice(-64);

export function jsonl(entries: readonly (Obj | string)[]): string {
  return entries.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)) + '\n').join('');
}

// ---------------------------------------------------------------- in-process runner

export interface RunOpts {
  profile?: VaultProfile;
  from?: string;
  to?: string;
  billingStart?: string;
  prefix?: string;
  strict?: boolean;
}

export interface RunResult {
  report: any;
  clients: any[];
  clientsCsv: string;
  countCsv: string;
  table: string;
  countJsonText: string;
  clientsJsonlText: string;
  dir: string;
  paths: string[];
}

/**
 * Writes each file (string content or Buffer) into a fresh temp dir and runs the Vault pipeline
 * inline over them, in the given order. Returns every rendering.
 */
export async function runFiles(files: readonly (string | Buffer)[], o: RunOpts = {}): Promise<RunResult> {
  const dir = tempDir('ca-vault-');
  const paths = files.map((content, i) => {
    const p = path.join(dir, `f${i}.log`);
    fs.writeFileSync(p, content);
    return p;
  });
  return runPaths(paths, o, dir);
}

export async function runPaths(paths: string[], o: RunOpts = {}, dir = ''): Promise<RunResult> {
  const out = await runPipeline({
    inputs: paths,
    platform: 'vault',
    run: {
      profile: o.profile ?? 'current',
      range: parseRange(o.from, o.to),
      billingDay: parseBillingDay(o.billingStart),
      prefix: o.prefix ?? null,
      mergeHumans: false,
      quota: null,
    },
    jobs: 1,
    strict: o.strict ?? false,
    vaultOnlyFlags: [],
  });
  const countJsonText = out.result.renderCount('json');
  const clientsJsonlText = out.result.renderClients('jsonl');
  return {
    report: JSON.parse(countJsonText),
    clients: clientsJsonlText.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)),
    clientsCsv: out.result.renderClients('csv'),
    countCsv: out.result.renderCount('csv'),
    table: out.result.renderCount('table'),
    countJsonText,
    clientsJsonlText,
    dir,
    paths,
  };
}

/** One file of entries. */
export function run(entries: readonly (Obj | string)[], o: RunOpts = {}): Promise<RunResult> {
  return runFiles([jsonl(entries)], o);
}

// ---------------------------------------------------------------- report helpers

export function counts(clients: number, entity: number, nonEntity: number) {
  return { clients, entity_clients: entity, non_entity_clients: nonEntity, secret_syncs: 0, acme_clients: 0 };
}

export const ZERO = counts(0, 0, 0);

/** Flattens a Namespace[] into "nsid|mount_path|mount_type=clients" strings (for compact exact checks). */
export function mountsOf(namespaces: any[]): string[] {
  const out: string[] = [];
  for (const ns of namespaces) for (const m of ns.mounts) out.push(`${ns.namespace_id}|${m.mount_path}|${m.mount_type}=${m.counts.clients}`);
  return out;
}

export function excluded(o: Partial<Record<'no_token' | 'error' | 'policy_denied' | 'login' | 'root' | 'wrapping', number>>) {
  return { no_token: 0, error: 0, policy_denied: 0, login: 0, root: 0, wrapping: 0, ...o };
}

// ---------------------------------------------------------------- CLI runner

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 300_000,
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): any {
  const r = cli(args, opts);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------- a small but rich fixture

/** Logins, token creates, uses over three months and two namespaces, exclusions, KMIP, a malformed line. */
export function richLog(): (Obj | string)[] {
  const NS1 = { id: 'aBcD1', path: 'ns1/' };
  return [
    login({ time: '2024-05-06T10:15:02.201Z', mount: 'userpass', type: 'userpass', token: H('aa11'), accessor: H('bb22'), entity: 'ent-alice', mountAccessor: 'auth_userpass_4f2c', user: 'alice', issueTime: '2024-05-06T18:15:02+08:00' }),
    req({ time: '2024-05-06T10:16:40.5Z', token: H('aa11'), entity: 'ent-alice', displayName: 'userpass-alice', policies: ['default', 'dev'] }),
    resp({ time: '2024-05-06T11:00:00.1Z', path: 'auth/token/create-orphan', token: H('ee55'), accessor: H('ff66'), policies: ['default', 'kv-read'], mountType: 'token', mountAccessor: 'auth_token_9e2b' }),
    req({ time: '2024-05-06T11:05:00Z', token: H('ee55'), policies: ['default', 'kv-read'], displayName: 'token' }),
    req({ time: '2024-05-06T12:01:00Z', token: H('9911'), policies: ['response-wrapping'], path: 'sys/wrapping/unwrap' }),
    req({ time: '2024-05-08T09:00:00Z', token: H('0000'), policies: ['root'], displayName: 'root' }),
    'May 20 08:00:00 vault-1 vault[812]: ' + JSON.stringify(req({ time: '2024-05-20T08:00:00Z', token: H('1234'), policies: ['default', 'ns-app'], displayName: 'token-nomad-web', ns: NS1 })),
    '--- audit log rotated ---',
    { time: '2024-05-21T00:00:00Z', type: 'kmip-request', request: { client_certificate_serial_number: '793111', namespace: { id: 'root' } } },
    req({ time: '2024-06-03T09:00:00Z', token: H('aa11'), entity: 'ent-alice', displayName: 'userpass-alice' }),
    req({ time: '2024-06-03T09:30:00Z', token: H('5a5a'), entity: 'ent-approle', displayName: 'approle', issueTime: '2024-05-31T22:00:00Z' }),
    req({ time: '2024-06-04T10:00:00Z', token: H('7c7c'), entity: 'ent-carol', displayName: 'userpass-carol' }),
    req({ time: '2024-07-01T00:00:00Z', token: H('ee55'), policies: ['default', 'kv-read'], displayName: 'token' }),
    req({ time: '2024-07-02T00:00:00Z', path: 'sys/health' }),
  ];
}
