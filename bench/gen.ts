/**
 * Deterministic generator of a realistic Vault audit log (file audit device, format=json) for the
 * benchmark. See bench/README.md for the traffic model.
 *
 * - Seeded PRNG: the same (GENERATOR_VERSION, seed, size) always gives byte-identical output.
 * - Streams to disk in ~4 MB chunks; memory is bounded by the token/entity pools (a few MB), except
 *   for the single largest line (one ~12 MB list response) which is built in memory once.
 * - The ground truth (distinct billable clients per spec/vault.md §5.2 and §6: entity_id, else
 *   request.client_id, on countable requests) is tracked while generating and written to a sidecar
 *   JSON, together with line/entry statistics.
 *
 * Run directly: `node dist/bench/gen.js [sizeMB] [seed]` prints the dataset paths.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Rng } from './rng.js';

/** Bump whenever the output of the generator changes: it is part of the cache key. */
export const GENERATOR_VERSION = 2;

export interface DatasetParams {
  sizeMB: number;
  seed: number;
}

export interface Truth {
  generator_version: number;
  seed: number;
  size_mb: number;
  bytes: number;
  gz_bytes: number;
  lines: number;
  entries: { request: number; response: number };
  requests: {
    countable: number;
    excluded: { no_token: number; error: number; policy_denied: number; login: number; root: number; wrapping: number };
  };
  /** Ground truth: distinct billable clients over the whole file. */
  total: { clients: number; entity_clients: number; non_entity_clients: number };
  line_bytes: { min: number; max: number; mean: number; histogram: Record<string, number> };
  time_span: { first: string; last: string };
  generated_at: string;
  generate_seconds: number;
  gzip_seconds: number;
}

export interface Dataset {
  logPath: string;
  gzPath: string;
  truthPath: string;
  truth: Truth;
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

interface Ns {
  id: string;
  path: string;
  json: string;
  mounts: {
    kv: MountInfo;
    transit: MountInfo;
    database: MountInfo;
    sys: MountInfo;
    token: MountInfo;
    userpass: MountInfo;
    approle: MountInfo;
    kubernetes: MountInfo;
  };
}

interface MountInfo {
  point: string;
  type: string;
  accessor: string;
  version: string; // '' = no running-version fields
  cls: string; // '' = no mount_class
}

type TokenKind = 'entity' | 'nonentity' | 'root' | 'wrapping';

interface Token {
  kind: TokenKind;
  ns: Ns;
  ct: string;
  acc: string;
  clientId: string;
  /** Rendered `auth` object up to (excluding) policy_results. */
  head: string;
  /** Rendered rest of the `auth` object after policy_results, including the closing brace. */
  tail: string;
  allowed: string;
  /** Only for the response.auth of the issuing response (no policy_results, no remaining_uses). */
  issuedAuth: string;
}

interface Entity {
  id: string;
  ns: Ns;
  method: 'userpass' | 'approle' | 'kubernetes';
  name: string;
  policies: string[];
  identityPolicies: string[];
  metadata: string;
}

const SPAN_DAYS = 90;
const START_MS = Date.UTC(2025, 0, 1);
const PERMISSION_DENIED = '1 error occurred:\\n\\t* permission denied\\n\\n';
const INVALID_TOKEN = '1 error occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n';
const BACKEND_ERROR = '1 error occurred:\\n\\t* internal error: upstream connection reset\\n\\n';
const VAULT_VERSION = 'v1.18.3+builtin.vault';
const KEY_WORDS = [
  'password', 'username', 'api_key', 'token', 'client_secret', 'private_key', 'certificate', 'ca_chain', 'url',
  'host', 'port', 'db_name', 'access_key', 'secret_key', 'region', 'webhook', 'ssh_key', 'license', 'dsn', 'salt',
];
const INTL_NAMES = ['josé', 'müller', 'łukasz', 'søren', 'zoë', 'renée', 'yūki', 'андрей'];
const NON_ASCII = /[^\x00-\x7f]/;
const APPS = Array.from({ length: 400 }, (_, i) => `app-${String(i).padStart(3, '0')}`);
const TEAMS = ['payments', 'search', 'platform', 'data', 'identity', 'mobile', 'web', 'infra', 'ml', 'billing'];

function clientIdFor(policies: readonly string[], nsId: string): string {
  // spec/vault.md §6.1: sort by UTF-8 bytes (ASCII here), join with 0x7F, then 0x00 + namespace id.
  const sorted = [...policies].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const body = sorted.length > 0 ? sorted.join('\x7f') + '\x00' + nsId : nsId;
  return createHash('sha256').update(Buffer.from(body, 'utf8')).digest('base64');
}

function jsonStrArray(items: readonly string[]): string {
  return '[' + items.map((s) => `"${s}"`).join(',') + ']';
}

function nsJson(id: string, p: string): string {
  return id === 'root' ? '{"id":"root"}' : `{"id":"${id}","path":"${p}"}`;
}

class Generator {
  readonly rng: Rng;
  private readonly namespaces: Ns[];
  private readonly nsWeights: number[];
  private readonly entities: Entity[];
  private readonly deniedOnlyEntities: Entity[];
  private readonly pool: Token[] = [];
  private readonly nonEntityPool: Token[] = [];
  private readonly rootTokens: Token[];

  // output
  private readonly fd: number;
  private chunk: string[] = [];
  private chunkLen = 0;
  bytes = 0;
  lines = 0;
  private minLine = Infinity;
  private maxLine = 0;
  private readonly histogram: Record<string, number> = {
    '<512B': 0, '512B-1KB': 0, '1-4KB': 0, '4-16KB': 0, '16-64KB': 0, '64KB-1MB': 0, '>=1MB': 0,
  };

  // time (nanoseconds since START_MS; stays below 2^53 for the whole span)
  private ns = 0;
  private readonly spanNs = SPAN_DAYS * 86400 * 1e9;
  private cachedSec = -1;
  private cachedPrefix = '';
  firstTime = '';
  lastTime = '';
  events = 0;

  // truth
  private readonly entityClients = new Set<string>();
  private readonly nonEntityClients = new Set<string>();
  readonly entries = { request: 0, response: 0 };
  readonly requests = {
    countable: 0,
    excluded: { no_token: 0, error: 0, policy_denied: 0, login: 0, root: 0, wrapping: 0 },
  };

  constructor(
    seed: number,
    private readonly targetBytes: number,
    file: string,
  ) {
    this.rng = new Rng(seed);
    this.fd = fs.openSync(file, 'w');
    const r = this.rng;
    const mkNs = (id: string, p: string): Ns => {
      const child = id !== 'root';
      const m = (point: string, type: string, version: string, cls: string): MountInfo => ({
        point,
        type,
        accessor: `${type}_${r.hex(4)}`,
        version,
        cls,
      });
      return {
        id,
        path: p,
        json: nsJson(id, p),
        mounts: {
          kv: m('secret/', 'kv', 'v0.20.0+builtin', 'secret'),
          transit: m('transit/', 'transit', VAULT_VERSION, 'secret'),
          database: m('database/', 'database', VAULT_VERSION, 'secret'),
          sys: m('sys/', 'system', '', ''),
          token: m('auth/token/', child ? 'ns_token' : 'token', '', ''),
          userpass: m('auth/userpass/', 'userpass', VAULT_VERSION, 'auth'),
          approle: m('auth/approle/', 'approle', VAULT_VERSION, 'auth'),
          kubernetes: m('auth/kubernetes/', 'kubernetes', 'v0.21.0+builtin', 'auth'),
        },
      };
    };
    this.namespaces = [
      mkNs('root', ''),
      mkNs(r.alnum(5), 'ns1/'),
      mkNs(r.alnum(5), 'ns1/team-a/'),
      mkNs(r.alnum(5), 'finance/'),
      mkNs(r.alnum(5), 'edge/'),
    ];
    this.nsWeights = [0.55, 0.15, 0.1, 0.12, 0.08];

    this.entities = Array.from({ length: 40_000 }, () => this.makeEntity());
    this.deniedOnlyEntities = Array.from({ length: 2_000 }, () => this.makeEntity());
    // Tokens issued before the logs start (no login response in the file).
    for (let i = 0; i < 3_000; i++) this.addToPool(this.entityToken(this.skewedEntity(), START_MS - r.int(30 * 86400) * 1000));
    for (let i = 0; i < 300; i++) this.nonEntityPool.push(this.nonEntityToken(START_MS - r.int(30 * 86400) * 1000));
    this.rootTokens = [0, 1, 2].map(() => this.specialToken('root', this.namespaces[0]!, START_MS - r.int(86400 * 200) * 1000));
  }

  private pickNs(): Ns {
    let u = this.rng.float();
    for (let i = 0; i < this.namespaces.length; i++) {
      u -= this.nsWeights[i]!;
      if (u < 0) return this.namespaces[i]!;
    }
    return this.namespaces[0]!;
  }

  private makeEntity(): Entity {
    const r = this.rng;
    const ns = this.pickNs();
    const u = r.float();
    const method = u < 0.35 ? 'userpass' : u < 0.7 ? 'approle' : 'kubernetes';
    const team = r.pick(TEAMS);
    const app = r.pick(APPS);
    let name: string;
    let metadata: string;
    if (method === 'userpass') {
      // 3 % of user names are non-ASCII: Go's encoder writes them as raw UTF-8.
      name = r.chance(0.03) ? `${r.pick(INTL_NAMES)}-${r.hex(4).slice(0, 6)}` : `${team}-user-${r.hex(4).slice(0, 6)}`;
      metadata = `{"username":"${name}"}`;
    } else if (method === 'approle') {
      name = `${app}-${team}`;
      metadata = `{"role_name":"${name}"}`;
    } else {
      name = `${app}-sa`;
      metadata = `{"role":"${app}","service_account_name":"${name}","service_account_namespace":"${team}","service_account_secret_name":"","service_account_uid":"${r.uuid()}"}`;
    }
    const policies = ['default', `${team}-read`];
    if (r.chance(0.5)) policies.push(`${app}-kv`);
    if (r.chance(0.2)) policies.push(`${team}-write`);
    const identityPolicies = r.chance(0.3) ? [`group-${team}`] : [];
    return { id: r.uuid(), ns, method, name, policies: policies.sort(), identityPolicies, metadata };
  }

  private skewedEntity(): Entity {
    const u = this.rng.float();
    return this.entities[Math.floor(u * u * this.entities.length)]!;
  }

  private issueTime(ms: number): string {
    // Seconds precision; 5% of servers log a local +08:00 offset (spec §3.5).
    const secMs = Math.floor(ms / 1000) * 1000;
    if (this.rng.chance(0.05)) return new Date(secMs + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
    return new Date(secMs).toISOString().slice(0, 19) + 'Z';
  }

  private buildToken(
    kind: TokenKind,
    ns: Ns,
    displayName: string,
    tokenPolicies: string[],
    identityPolicies: string[],
    metadata: string,
    entityId: string,
    tokenType: string,
    ttl: number,
    issuedMs: number,
  ): Token {
    const r = this.rng;
    const ct = r.hmac();
    const acc = tokenType === 'batch' ? '' : r.hmac();
    const policies = [...new Set([...tokenPolicies, ...identityPolicies])].sort();
    const clientId = entityId !== '' ? entityId : clientIdFor(tokenPolicies, ns.id);
    const common =
      `"display_name":"${displayName}","policies":${jsonStrArray(policies)},"token_policies":${jsonStrArray(tokenPolicies)}` +
      (identityPolicies.length > 0 ? `,"identity_policies":${jsonStrArray(identityPolicies)}` : '');
    const head = `{"client_token":"${ct}"` + (acc !== '' ? `,"accessor":"${acc}"` : '') + ',' + common;
    const issue = this.issueTime(issuedMs);
    const tailCore =
      (metadata !== '' ? `,"metadata":${metadata}` : '') +
      (entityId !== '' ? `,"entity_id":"${entityId}"` : '') +
      `,"token_type":"${tokenType}"` +
      (ttl > 0 ? `,"token_ttl":${ttl}` : '') +
      `,"token_issue_time":"${issue}"`;
    const granting = kind === 'root' ? 'root' : (tokenPolicies.find((p) => p !== 'default') ?? 'default');
    const allowed = `,"policy_results":{"allowed":true,"granting_policies":[{"name":"${granting}","namespace_id":"${ns.id}","type":"acl"}]}`;
    const issuedAuth = head + tailCore + '}';
    return { kind, ns, ct, acc: acc !== '' ? acc : '', clientId, head, tail: tailCore + '}', allowed, issuedAuth };
  }

  private entityToken(e: Entity, issuedMs: number): Token {
    const display =
      e.method === 'userpass' ? `userpass-${e.name}` : e.method === 'approle' ? 'approle' : `kubernetes-${e.name.slice(0, 12)}`;
    const ttl = e.method === 'kubernetes' ? 3600 : e.method === 'approle' ? 1200 : 2764800;
    const tokenType = e.method === 'approle' && this.rng.chance(0.3) ? 'batch' : 'service';
    return this.buildToken('entity', e.ns, display, e.policies, e.identityPolicies, e.metadata, e.id, tokenType, ttl, issuedMs);
  }

  private nonEntityToken(issuedMs: number, ns: Ns = this.pickNs()): Token {
    const r = this.rng;
    // Nomad / CI style token roles: one non-entity client per distinct policy set and namespace.
    const job = r.int(1500);
    const policies = ['default', `job-${String(job).padStart(4, '0')}`];
    if (job % 7 === 0) policies.push('ci-deploy');
    const display = r.chance(0.6) ? `token-${r.uuid()}-runner` : 'token';
    const tokenType = r.chance(0.4) ? 'batch' : 'service';
    const metadata = display === 'token' ? '' : `{"AllocationID":"${r.uuid()}","Task":"runner"}`;
    return this.buildToken('nonentity', ns, display, policies.sort(), [], metadata, '', tokenType, 259200, issuedMs);
  }

  private specialToken(kind: 'root' | 'wrapping', ns: Ns, issuedMs: number): Token {
    if (kind === 'root') return this.buildToken('root', ns, 'root', ['root'], [], '', '', 'service', 0, issuedMs);
    return this.buildToken('wrapping', ns, '', ['response-wrapping'], [], '', '', 'service', 300, issuedMs);
  }

  private addToPool(t: Token): void {
    if (this.pool.length < 6_000) this.pool.push(t);
    else this.pool[this.rng.int(this.pool.length)] = t;
  }

  // -------------------------------------------------------------------------------------------
  // Output
  // -------------------------------------------------------------------------------------------

  private emit(line: string): void {
    const n = (this.ascii(line) ? line.length : Buffer.byteLength(line, 'utf8')) + 1;
    this.chunk.push(line);
    this.chunkLen += n;
    this.bytes += n;
    this.lines++;
    if (n < this.minLine) this.minLine = n;
    if (n > this.maxLine) this.maxLine = n;
    const h = this.histogram;
    if (n < 512) h['<512B']!++;
    else if (n < 1024) h['512B-1KB']!++;
    else if (n < 4096) h['1-4KB']!++;
    else if (n < 16384) h['4-16KB']!++;
    else if (n < 65536) h['16-64KB']!++;
    else if (n < 1048576) h['64KB-1MB']!++;
    else h['>=1MB']!++;
    if (this.chunkLen >= 4 << 20) this.flush();
  }

  /** Cheap test: lines without non-ASCII names are ASCII (the only non-ASCII source is INTL_NAMES). */
  private ascii(line: string): boolean {
    return !NON_ASCII.test(line);
  }

  flush(): void {
    if (this.chunk.length === 0) return;
    const buf = Buffer.from(this.chunk.join('\n') + '\n', 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
    this.chunk = [];
    this.chunkLen = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private fmtTime(ns: number): string {
    const sec = Math.floor(ns / 1e9);
    if (sec !== this.cachedSec) {
      this.cachedSec = sec;
      this.cachedPrefix = new Date(START_MS + sec * 1000).toISOString().slice(0, 19);
    }
    const frac = ns - sec * 1e9;
    if (frac === 0) return this.cachedPrefix + 'Z';
    return `${this.cachedPrefix}.${String(frac).padStart(9, '0').replace(/0+$/, '')}Z`;
  }

  /** Advance the clock so that the whole file spans ~SPAN_DAYS, whatever its size. */
  private tick(): string {
    const avg = this.events > 1 && this.bytes > 0 ? this.bytes / (this.events - 1) : 3000;
    const remaining = Math.max(1, (this.targetBytes - this.bytes) / avg);
    const gap = Math.max(2, (this.spanNs - this.ns) / remaining);
    this.ns += 1 + Math.floor(this.rng.float() * 2 * gap);
    const t = this.fmtTime(this.ns);
    if (this.firstTime === '') this.firstTime = t;
    this.lastTime = t;
    return t;
  }

  private latency(): string {
    this.ns += 200_000 + this.rng.int(8_000_000);
    const t = this.fmtTime(this.ns);
    this.lastTime = t;
    return t;
  }

  private remote(): string {
    const r = this.rng;
    return `"remote_address":"10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}","remote_port":${1024 + r.int(64000)}`;
  }

  private mountFields(m: MountInfo, withAccessor: boolean, forResponse: boolean): string {
    let s = `"mount_point":"${m.point}","mount_type":"${m.type}"`;
    if (withAccessor) s += `,"mount_accessor":"${m.accessor}"`;
    if (m.version !== '') s += forResponse ? `,"mount_running_plugin_version":"${m.version}"` : `,"mount_running_version":"${m.version}"`;
    if (m.cls !== '') s += `,"mount_class":"${m.cls}"`;
    return s;
  }

  private countRequest(reason: keyof Generator['requests']['excluded'] | null, t: Token | null): void {
    this.entries.request++;
    if (reason !== null) {
      this.requests.excluded[reason]++;
      return;
    }
    this.requests.countable++;
    if (t === null) throw new Error('countable request without token');
    if (t.kind === 'entity') this.entityClients.add(t.clientId);
    else this.nonEntityClients.add(t.clientId);
  }

  // -------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------

  /**
   * A request/response pair made with token `t`.
   * - `reqData`: rendered request.data value ('' = none); `respBody`: rendered response fields after
   *   the mount fields (starting with ','), or '' for none.
   * - `denied`: auth-stage failure (error + policy_results.allowed:false on both entries).
   */
  private pair(
    t: Token,
    op: string,
    m: MountInfo,
    reqPath: string,
    reqData: string,
    respBody: string,
    opts: { denied?: boolean; backendError?: boolean; noId?: boolean; login?: boolean } = {},
  ): void {
    const r = this.rng;
    const id = opts.noId ? '' : `"id":"${r.uuid()}",`;
    const auth = t.head + (opts.denied ? ',"policy_results":{"allowed":false}' : t.allowed) + t.tail;
    const withAccessorOnRequest = op === 'create' || op === 'update';
    const tokenFields = `"client_token":"${t.ct}"` + (t.acc !== '' ? `,"client_token_accessor":"${t.acc}"` : '');
    const reqCore = (withAccessor: boolean): string =>
      `{${id}"client_id":"${t.clientId}","operation":"${op}",${this.mountFields(m, withAccessor, false)},` +
      `${tokenFields},"namespace":${t.ns.json},"path":"${reqPath}"` +
      (reqData !== '' ? `,"data":${reqData}` : '') +
      `,${this.remote()}}`;
    const time = this.tick();
    const reqObj = reqCore(withAccessorOnRequest);
    let line = `{"time":"${time}","type":"request","auth":${auth},"request":${reqObj}`;
    line += opts.denied ? `,"error":"${PERMISSION_DENIED}"}` : '}';
    this.emit(line);

    let reason: keyof Generator['requests']['excluded'] | null = null;
    if (opts.denied) reason = 'error';
    else if (opts.login) reason = 'login';
    else if (t.kind === 'root') reason = 'root';
    else if (t.kind === 'wrapping') reason = 'wrapping';
    this.countRequest(reason, t);

    const rtime = this.latency();
    // mount_accessor is set during routing: always present on the response's copy of the request.
    const respReqFixed = withAccessorOnRequest
      ? reqObj
      : reqObj.replace(`"mount_type":"${m.type}"`, `"mount_type":"${m.type}","mount_accessor":"${m.accessor}"`);
    let resp: string;
    if (opts.denied) {
      resp = `{"mount_type":"${m.type}","data":{"error":"${r.hmac()}"}}`;
    } else {
      resp = `{${this.mountFields(m, true, true)}${respBody}}`;
    }
    let rline = `{"time":"${rtime}","type":"response","auth":${auth},"request":${respReqFixed},"response":${resp}`;
    if (opts.denied) rline += `,"error":"${PERMISSION_DENIED}"}`;
    else if (opts.backendError) rline += `,"error":"${BACKEND_ERROR}"}`;
    else rline += '}';
    this.emit(rline);
    this.entries.response++;
  }

  private actor(): Token {
    const u = this.rng.float();
    if (u < 0.78) return this.rng.pick(this.pool);
    if (u < 0.99) return this.rng.pick(this.nonEntityPool);
    return this.rng.pick(this.rootTokens);
  }

  private kvKeys(): number {
    const u = this.rng.float();
    if (u < 0.6) return this.rng.range(1, 3);
    if (u < 0.9) return this.rng.range(4, 20);
    if (u < 0.993) return this.rng.range(21, 200);
    return this.rng.range(200, 1200);
  }

  private kvDataObject(n: number): string {
    const r = this.rng;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = n <= KEY_WORDS.length ? KEY_WORDS[(i * 7) % KEY_WORDS.length]! : `${KEY_WORDS[i % KEY_WORDS.length]}_${i}`;
      parts.push(`"${k}":"${r.hmac()}"`);
    }
    return '{' + parts.join(',') + '}';
  }

  private kvPath(): string {
    const r = this.rng;
    // 1 % of paths contain '&', which Go's encoding/json writes as \u0026 (HTML-safe escaping).
    return `${r.chance(0.01) ? 'r\\u0026d' : r.pick(TEAMS)}/${r.pick(APPS)}/${r.pick(KEY_WORDS)}`;
  }

  private kvRead(t: Token): void {
    const r = this.rng;
    const p = this.kvPath();
    const version = r.range(1, 40);
    const body =
      `,"data":{"data":${this.kvDataObject(this.kvKeys())},"metadata":{"created_time":"${r.hmac()}","custom_metadata":null,` +
      `"deletion_time":"${r.hmac()}","destroyed":false,"version":${version}}}`;
    this.pair(t, 'read', t.ns.mounts.kv, `secret/data/${p}`, '', body, { backendError: r.chance(0.005) });
  }

  private kvWrite(t: Token): void {
    const r = this.rng;
    const p = this.kvPath();
    const data = `{"data":${this.kvDataObject(Math.min(this.kvKeys(), 60))},"options":{"cas":${r.int(20)}}}`;
    const body =
      `,"data":{"created_time":"${r.hmac()}","custom_metadata":null,"deletion_time":"${r.hmac()}","destroyed":false,"version":${r.range(1, 40)}}`;
    this.pair(t, r.chance(0.5) ? 'create' : 'update', t.ns.mounts.kv, `secret/data/${p}`, data, body);
  }

  private transit(t: Token): void {
    const r = this.rng;
    const key = `${r.pick(APPS)}-key`;
    const enc = r.chance(0.6);
    const data = enc ? `{"plaintext":"${r.hmac()}"}` : `{"ciphertext":"${r.hmac()}"}`;
    const body = enc ? `,"data":{"ciphertext":"${r.hmac()}","key_version":1}` : `,"data":{"plaintext":"${r.hmac()}"}`;
    this.pair(t, 'update', t.ns.mounts.transit, `transit/${enc ? 'encrypt' : 'decrypt'}/${key}`, data, body);
  }

  private dbCreds(t: Token): void {
    const r = this.rng;
    const role = `${r.pick(APPS)}-ro`;
    const body =
      `,"secret":{"lease_id":"database/creds/${role}/${r.alnum(24)}"},"data":{"password":"${r.hmac()}","username":"${r.hmac()}"}`;
    this.pair(t, 'read', t.ns.mounts.database, `database/creds/${role}`, '', body);
  }

  private tokenSelf(t: Token): void {
    const r = this.rng;
    if (r.chance(0.5)) {
      const body =
        `,"data":{"accessor":"${r.hmac()}","creation_time":${1735689600 + r.int(7_000_000)},"creation_ttl":3600,` +
        `"display_name":"${r.hmac()}","entity_id":"${r.hmac()}","expire_time":"${r.hmac()}","explicit_max_ttl":0,` +
        `"id":"${r.hmac()}","issue_time":"${r.hmac()}","meta":null,"num_uses":0,"orphan":true,"path":"${r.hmac()}",` +
        `"policies":["${r.hmac()}","${r.hmac()}"],"renewable":true,"ttl":${r.int(3600)},"type":"${r.hmac()}"}`;
      this.pair(t, 'read', t.ns.mounts.token, 'auth/token/lookup-self', '', body);
    } else {
      // renew-self repeats the existing token in response.auth (must not be registered as issuance).
      const body = `,"auth":${t.issuedAuth}`;
      this.pair(t, 'update', t.ns.mounts.token, 'auth/token/renew-self', `{"increment":"${r.hmac()}"}`, body);
    }
  }

  private sysCall(t: Token): void {
    const r = this.rng;
    if (r.chance(0.5)) {
      const body = `,"data":{"capabilities":["${r.hmac()}","${r.hmac()}"],"secret/data/x":["${r.hmac()}"]}`;
      this.pair(t, 'update', t.ns.mounts.sys, 'sys/capabilities-self', `{"paths":["${r.hmac()}"]}`, body);
    } else {
      // help operation: no request.id (spec §4.3)
      const body = `,"data":{"help":"${r.hmac()}","openapi":null}`;
      this.pair(t, 'help', t.ns.mounts.kv, `secret/data/${this.kvPath()}`, '', body, { noId: true });
    }
  }

  private rootOp(t: Token): void {
    const r = this.rng;
    const body = `,"data":{"${r.pick(APPS)}/":{"accessor":"${r.hmac()}","type":"${r.hmac()}"}}`;
    this.pair(t, r.chance(0.5) ? 'read' : 'update', t.ns.mounts.sys, r.chance(0.5) ? 'sys/mounts' : 'sys/policies/acl/admin', '', body);
  }

  private unwrap(t: Token): void {
    const r = this.rng;
    this.pair(t, 'update', t.ns.mounts.sys, 'sys/wrapping/unwrap', '', `,"data":{"secret_id":"${r.hmac()}","secret_id_accessor":"${r.hmac()}"}`);
  }

  /** Login: token-less request + response whose auth carries the new token. */
  private login(): void {
    const r = this.rng;
    const e = this.skewedEntity();
    const ns = e.ns;
    const m = ns.mounts[e.method];
    const loginPath =
      e.method === 'userpass' ? `auth/userpass/login/${e.name}` : e.method === 'approle' ? 'auth/approle/login' : 'auth/kubernetes/login';
    const data =
      e.method === 'userpass'
        ? `{"password":"${r.hmac()}"}`
        : e.method === 'approle'
          ? `{"role_id":"${r.hmac()}","secret_id":"${r.hmac()}"}`
          : `{"jwt":"${r.hmac()}","role":"${r.hmac()}"}`;
    const reqObj = `{"id":"${r.uuid()}","operation":"update",${this.mountFields(m, true, false)},"namespace":${ns.json},"path":"${loginPath}","data":${data},${this.remote()}}`;
    const time = this.tick();
    const noTokenAuth = '{"policy_results":{"allowed":true},"token_type":"default"}';
    this.emit(`{"time":"${time}","type":"request","auth":${noTokenAuth},"request":${reqObj}}`);
    this.countRequest('no_token', null);

    const issuedMs = START_MS + Math.floor(this.ns / 1e6);
    const t = this.entityToken(e, issuedMs);
    const rtime = this.latency();
    const topAuth = t.issuedAuth.replace(`"entity_id":"${e.id}"`, `"entity_id":"${e.id}","entity_created":${r.chance(0.02)}`);
    const resp = `{"auth":${t.issuedAuth},${this.mountFields(m, true, true)}}`;
    this.emit(`{"time":"${rtime}","type":"response","auth":${topAuth},"request":${reqObj},"response":${resp}}`);
    this.entries.response++;
    this.addToPool(t);
  }

  /** A login request that carries an X-Vault-Token (excluded by rule d, even though client_id is logged). */
  private tokenLogin(): void {
    const r = this.rng;
    const t = r.chance(0.5) ? this.entityToken(r.pick(this.deniedOnlyEntities), START_MS - 86400_000) : r.pick(this.pool);
    const m = t.ns.mounts.approle;
    this.pair(t, 'update', m, 'auth/approle/login', `{"role_id":"${r.hmac()}","secret_id":"${r.hmac()}"}`, '', { login: true });
  }

  /** auth/token/create by a CI server's entity token: issues a non-entity token. */
  private tokenCreate(): void {
    const creator = this.rng.pick(this.pool);
    const issuedMs = START_MS + Math.floor(this.ns / 1e6);
    // The new token lives in the creator's namespace.
    const t = this.nonEntityToken(issuedMs, creator.ns);
    const body = `,"auth":${t.issuedAuth}`;
    const data = `{"policies":["${this.rng.hmac()}"],"ttl":"${this.rng.hmac()}"}`;
    this.pair(creator, 'update', creator.ns.mounts.token, 'auth/token/create', data, body);
    this.nonEntityPool.push(t);
    if (this.nonEntityPool.length > 3_000) this.nonEntityPool.splice(this.rng.int(this.nonEntityPool.length), 1);
  }

  /** Permission denied at the auth stage (request entry carries error + allowed:false). */
  private denied(): void {
    const r = this.rng;
    const t = r.chance(0.3) ? this.entityToken(r.pick(this.deniedOnlyEntities), START_MS - 86400_000) : this.actor();
    this.pair(t, 'read', t.ns.mounts.kv, `secret/data/${this.kvPath()}`, '', '', { denied: true });
  }

  /** An unresolvable token (revoked/expired): only request.client_token, no client_id. */
  private invalidToken(): void {
    const r = this.rng;
    const ns = this.namespaces[0]!;
    const time = this.tick();
    const id = r.uuid();
    // Rejected before routing: no mount fields.
    const req = `{"id":"${id}","operation":"read","client_token":"${r.hmac()}","namespace":${ns.json},"path":"secret/data/${this.kvPath()}",${this.remote()}}`;
    this.emit(`{"time":"${time}","type":"request","auth":{"token_type":"default"},"request":${req},"error":"${INVALID_TOKEN}"}`);
    this.countRequest('error', null);
    const rtime = this.latency();
    this.emit(
      `{"time":"${rtime}","type":"response","auth":{"token_type":"default"},"request":${req},"response":{"mount_type":"kv","data":{"error":"${r.hmac()}"}},"error":"${INVALID_TOKEN}"}`,
    );
    this.entries.response++;
  }

  /** LIST with a huge key list: one very long response line. */
  bigList(targetLineBytes: number): void {
    const r = this.rng;
    const t = r.pick(this.pool);
    const n = Math.ceil(targetLineBytes / 79);
    const keys: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) keys[i] = `"${r.hmac()}"`;
    const body = `,"data":{"keys":[${keys.join(',')}]}`;
    this.pair(t, 'list', t.ns.mounts.kv, `secret/metadata/${r.pick(TEAMS)}/`, '', body);
  }

  step(): void {
    const r = this.rng;
    const u = r.float();
    this.events++;
    if (u < 0.5) return this.kvRead(this.actor());
    if (u < 0.6) return this.kvWrite(this.actor());
    if (u < 0.66) return this.login();
    if (u < 0.67) return this.tokenCreate();
    if (u < 0.75) return this.transit(this.actor());
    if (u < 0.79) return this.dbCreds(this.actor());
    if (u < 0.85) return this.tokenSelf(this.actor());
    if (u < 0.86) return this.sysCall(this.actor());
    if (u < 0.88) return this.denied();
    if (u < 0.885) return this.tokenLogin();
    if (u < 0.888) return this.invalidToken();
    if (u < 0.893) return this.rootOp(r.pick(this.rootTokens));
    if (u < 0.895) return this.unwrap(this.specialToken('wrapping', this.pickNs(), START_MS + this.ns / 1e6 - 60_000));
    return this.kvRead(this.actor());
  }

  run(): void {
    // "A few" 1 MB+ list responses at fixed byte offsets, plus one ~12 MB line in big files.
    const listEvery = Math.min(137e6, this.targetBytes / 4);
    let nextList = listEvery / 2;
    let giantDone = this.targetBytes < 400e6;
    while (this.bytes < this.targetBytes) {
      if (this.bytes >= nextList) {
        nextList += listEvery;
        this.bigList(1.05e6 + this.rng.int(2e6));
      } else if (!giantDone && this.bytes >= this.targetBytes / 2) {
        giantDone = true;
        this.bigList(12e6);
      } else {
        this.step();
      }
    }
  }

  truthTotals(): Truth['total'] {
    return {
      clients: this.entityClients.size + this.nonEntityClients.size,
      entity_clients: this.entityClients.size,
      non_entity_clients: this.nonEntityClients.size,
    };
  }

  lineStats(): Truth['line_bytes'] {
    return { min: this.minLine, max: this.maxLine, mean: Math.round(this.bytes / this.lines), histogram: this.histogram };
  }
}

// ---------------------------------------------------------------------------------------------
// Cache
// ---------------------------------------------------------------------------------------------

export function datasetBase(params: DatasetParams, cacheDir: string): string {
  return path.join(cacheDir, `vault-audit-g${GENERATOR_VERSION}-seed${params.seed}-${params.sizeMB}mb`);
}

export async function ensureDataset(params: DatasetParams, cacheDir: string, log: (msg: string) => void): Promise<Dataset> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const base = datasetBase(params, cacheDir);
  const logPath = `${base}.log`;
  const gzPath = `${base}.log.gz`;
  const truthPath = `${base}.truth.json`;

  if (fs.existsSync(logPath) && fs.existsSync(gzPath) && fs.existsSync(truthPath)) {
    const truth = JSON.parse(fs.readFileSync(truthPath, 'utf8')) as Truth;
    if (truth.generator_version === GENERATOR_VERSION && truth.bytes === fs.statSync(logPath).size) {
      log(`using cached dataset ${path.basename(logPath)}`);
      return { logPath, gzPath, truthPath, truth };
    }
  }

  log(`generating ${params.sizeMB} MB audit log (seed ${params.seed}, generator v${GENERATOR_VERSION}) ...`);
  const t0 = performance.now();
  const tmp = `${logPath}.tmp-${process.pid}`;
  const g = new Generator(params.seed, params.sizeMB * 1e6, tmp);
  let lastReport = 0;
  const origStep = g.step.bind(g);
  g.step = () => {
    origStep();
    if (g.bytes - lastReport > 200e6) {
      lastReport = g.bytes;
      log(`  ${Math.round(g.bytes / 1e6)} MB`);
    }
  };
  g.run();
  g.close();
  fs.renameSync(tmp, logPath);
  const genS = (performance.now() - t0) / 1000;
  log(`  wrote ${(g.bytes / 1e6).toFixed(0)} MB, ${g.lines} lines in ${genS.toFixed(1)} s`);

  log('gzip (zlib level 6, streaming) ...');
  const t1 = performance.now();
  const gzTmp = `${gzPath}.tmp-${process.pid}`;
  await pipeline(fs.createReadStream(logPath, { highWaterMark: 1 << 20 }), createGzip({ level: 6 }), fs.createWriteStream(gzTmp));
  fs.renameSync(gzTmp, gzPath);
  const gzS = (performance.now() - t1) / 1000;
  const gzBytes = fs.statSync(gzPath).size;
  log(`  ${(gzBytes / 1e6).toFixed(0)} MB in ${gzS.toFixed(1)} s`);

  const truth: Truth = {
    generator_version: GENERATOR_VERSION,
    seed: params.seed,
    size_mb: params.sizeMB,
    bytes: g.bytes,
    gz_bytes: gzBytes,
    lines: g.lines,
    entries: g.entries,
    requests: g.requests,
    total: g.truthTotals(),
    line_bytes: g.lineStats(),
    time_span: { first: g.firstTime, last: g.lastTime },
    generated_at: new Date().toISOString(),
    generate_seconds: Math.round(genS * 10) / 10,
    gzip_seconds: Math.round(gzS * 10) / 10,
  };
  fs.writeFileSync(truthPath, JSON.stringify(truth, null, 2) + '\n');
  return { logPath, gzPath, truthPath, truth };
}

// CLI: node dist/bench/gen.js [sizeMB] [seed]
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const sizeMB = Number(process.argv[2] ?? 50);
  const seed = Number(process.argv[3] ?? 42);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cacheDir = path.resolve(here, '..', '..', 'bench', '.cache');
  const ds = await ensureDataset({ sizeMB, seed }, cacheDir, (m) => process.stderr.write(m + '\n'));
  process.stdout.write(JSON.stringify({ log: ds.logPath, gz: ds.gzPath, truth: ds.truth }, null, 2) + '\n');
}
