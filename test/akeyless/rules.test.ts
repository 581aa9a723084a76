// Unit tests per rule tag (spec akeyless.md): A1 input/fields/time, A2 counted events, A3 access
// type normalisation and identity tuples, A4 products/months/new clients, A5 --merge-humans,
// B1 bad input never crashes nor vanishes, B2 token ids never printed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLine, classifyValue } from '../../src/akeyless/classify.js';
import { evaluateEventA2 } from '../../src/akeyless/evaluate.js';
import { readFields, readJsonTime, scalar } from '../../src/akeyless/fields.js';
import { identityA5, identityTupleA3, isWellFormedAccessId } from '../../src/akeyless/identity.js';
import { normaliseAccessTypeA3, normaliseProductA4, statusVerdictA2 } from '../../src/akeyless/normalise.js';
import { epochTimeA1, jsonTimeA1 } from '../../src/akeyless/time.js';
import { formatEventTime } from '../../src/ingest/time.js';
import { renderAkeylessClients } from '../../src/report/akeyless-clients.js';
import { renderAkeylessCount } from '../../src/report/akeyless-count.js';
import { runInProcess } from './helpers.js';

function tmpFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akeyless-rules-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const ev = (o: Record<string, unknown>): string => JSON.stringify({ timestamp: '2026-02-02T10:00:00Z', status: 200, ...o });

describe('A1 input and fields', () => {
  it('A1: looks up fields at top level first, then under request_parameters', () => {
    const f = readFields({ access_id: 'p-a1', product: 'sra', request_parameters: { product: 'Secrets Management', access_type: 'saml2', unique_id: 'u1' } });
    expect(f.product).toBe('sra');
    expect(f.accessType).toBe('saml2');
    expect(f.uniqueId).toBe('u1');
  });

  it('A1: empty string, null and "-" are absent, and a nested value then wins', () => {
    const f = readFields({ access_id: '-', unique_id: '', product: null, request_parameters: { unique_id: 'nested', product: ' pm ' } });
    expect(f.accessId).toBeNull();
    expect(f.uniqueId).toBe('nested');
    expect(f.product).toBe('pm');
    expect(scalar('  ')).toBeNull();
  });

  it('A1: access_id is read at top level only', () => {
    expect(readFields({ request_parameters: { access_id: 'p-nested' } }).accessId).toBeNull();
  });

  it('A1: timestamp wins over time; time is used alone; epoch seconds and milliseconds', () => {
    const both = readJsonTime({ timestamp: '2026-02-02T10:00:00Z', time: '2020-01-01T00:00:00Z' })!;
    expect(formatEventTime(both.time)).toBe('2026-02-02T10:00:00Z');
    expect(formatEventTime(readJsonTime({ time: '2026-03-02T09:20:11Z' })!.time)).toBe('2026-03-02T09:20:11Z');
    expect(formatEventTime(epochTimeA1(1772442011)!.time)).toBe('2026-03-02T09:00:11Z');
    expect(formatEventTime(epochTimeA1(1772442011512)!.time)).toBe('2026-03-02T09:00:11.512Z');
    expect(formatEventTime(jsonTimeA1('1772442011')!.time)).toBe('2026-03-02T09:00:11Z');
  });

  it('A1: keeps nanosecond digits and converts offsets to UTC', () => {
    expect(formatEventTime(jsonTimeA1('2026-02-02T10:00:00.123456789+02:00')!.time)).toBe('2026-02-02T08:00:00.123456789Z');
    expect(jsonTimeA1('2026-02-02T10:00:00')!.naive).toBe(true);
    expect(jsonTimeA1('2026-02-31T10:00:00Z')).toBeNull();
  });

  it('A1: client_sub_claims as arrays or plain strings; remote_addr never used for identity', () => {
    const base = { access_id: 'p-k', access_type: 'k8s', remote_addr: ['10.0.0.1', '10.0.0.2'] };
    const a = readFields({ ...base, client_sub_claims: { config_name: ['c1'], namespace: ['n1', 'n2'] } });
    const b = readFields({ ...base, remote_addr: '10.9.9.9,10.0.3.15', client_sub_claims: { config_name: 'c1', namespace: 'n1' } });
    expect(identityTupleA3('k8s', 'p-k', a).tuple).toEqual(identityTupleA3('k8s', 'p-k', b).tuple);
  });

  it('A1: JSON array elements that are not objects are malformed; objects need a time', () => {
    expect(classifyValue(42)).toMatchObject({ kind: 'malformed', reason: 'not a JSON object' });
    expect(classifyValue({ access_id: 'p-x' })).toMatchObject({ kind: 'malformed', reason: 'missing or invalid timestamp' });
    expect(classifyLine('{"access_id": "p-x"')).toMatchObject({ kind: 'malformed', reason: 'invalid JSON' });
    expect(classifyLine('May 20 08:00:00 gw-1 akeyless[812]: {"timestamp":"2026-02-02T10:00:00Z","access_id":"p-x"}')).toMatchObject({ kind: 'json' });
  });
});

describe('A2 counted events', () => {
  it('A2: 2xx as number or numeric string passes; other statuses fail; non-numeric is invalid', () => {
    expect(statusVerdictA2(200, false)).toBe('ok');
    expect(statusVerdictA2(' 204 ', false)).toBe('ok');
    expect(statusVerdictA2('200', true)).toBe('ok');
    expect(statusVerdictA2(403, false)).toBe('failed');
    expect(statusVerdictA2('500', false)).toBe('failed');
    expect(statusVerdictA2('OK', false)).toBe('invalid');
    expect(statusVerdictA2(200.5, false)).toBe('invalid');
  });

  it('A2: without status, an event counts unless it carries an error', () => {
    expect(statusVerdictA2(undefined, false)).toBe('ok');
    expect(statusVerdictA2(undefined, true)).toBe('failed');
    expect(readFields({ error: '' }).hasError).toBe(false);
    expect(readFields({ error: 'denied' }).hasError).toBe(true);
  });

  it('A2: exclusions, first failing test wins: out_of_range, status, no_access_id', () => {
    const noId = readFields({ status: 403 });
    expect(evaluateEventA2(noId, false, false).outcome).toBe('out_of_range');
    expect(evaluateEventA2(noId, true, false).outcome).toBe('status');
    expect(evaluateEventA2(readFields({ status: 200 }), true, false).outcome).toBe('no_access_id');
    expect(evaluateEventA2(readFields({ status: 200, access_id: 'p-x' }), true, false).outcome).toBe('counted');
  });

  it('A2: end to end: failures and events without access id never count; invalid-status is warned', async () => {
    const p = tmpFile('a.jsonl', [
      ev({ access_id: 'p-ok0001' }),
      ev({ access_id: 'p-fail01', status: 403 }),
      ev({ access_id: 'p-fail02', status: 'oops' }),
      ev({ status: 200 }),
      ev({ access_id: 'p-err001', status: undefined, error: 'boom' }),
      ev({ access_id: 'p-nostat', status: undefined }),
    ].join('\n') + '\n');
    const m = await runInProcess([p], { from: '2026-02-01', to: '2026-02-28' });
    expect(m.count.total.clients).toBe(2);
    expect(m.count.inputs).toMatchObject({ events: 6, counted: 2, out_of_range: 0, excluded: { status: 3, no_access_id: 1 } });
    expect(m.count.warnings).toContain('invalid-status: 1 event(s)');
    const m2 = await runInProcess([p], { from: '2026-03-01' });
    expect(m2.count.inputs).toMatchObject({ counted: 0, out_of_range: 6, excluded: { status: 0, no_access_id: 0 } });
  });

  it('A2: access ids not of the form p-… are counted but warned', async () => {
    expect(isWellFormedAccessId('p-jgk2szbi1vwd')).toBe(true);
    expect(isWellFormedAccessId('jgk2szbi1vwd')).toBe(false);
    expect(isWellFormedAccessId('p-abc def')).toBe(false);
    const p = tmpFile('s.jsonl', ev({ access_id: 'weird-id' }) + '\n' + ev({ access_id: 'p-fine01' }) + '\n');
    const m = await runInProcess([p]);
    expect(m.count.total.clients).toBe(2);
    expect(m.count.warnings).toContain('suspicious-access-id: 1 event(s) with access ids not of the form p-…');
  });
});

describe('A3 access types and identity tuples', () => {
  it('A3: normalises login and method-type spellings', () => {
    const cases: [string | null, string][] = [
      ['access_key', 'api_key'], ['API_KEY', 'api_key'], ['password', 'email'], ['saml2', 'saml'], ['SAML', 'saml'],
      ['jwt', 'oauth2'], ['oauth2/jwt', 'oauth2'], ['kubernetes', 'k8s'], ['uid', 'universal_identity'],
      [' oidc ', 'oidc'], ['ldap', 'ldap'], ['cert', 'cert'], ['aws_iam', 'aws_iam'], ['azure_ad', 'azure_ad'],
      ['gcp', 'gcp'], ['kerberos', 'kerberos'], ['oci', 'oci'], ['Huawei', 'huawei'], [null, 'unknown'], ['', 'unknown'],
    ];
    for (const [raw, want] of cases) expect(normaliseAccessTypeA3(raw), String(raw)).toBe(want);
  });

  const f = (o: Record<string, unknown>) => readFields(o);

  it('A3: human and cert methods use unique_id; missing unique_id falls back to the access id with a flag', () => {
    for (const t of ['saml', 'oidc', 'oauth2', 'ldap', 'cert']) {
      expect(identityTupleA3(t, 'p-1', f({ unique_id: 'alice' })).tuple).toEqual(['p-1', 'uid', 'alice']);
      expect(identityTupleA3(t, 'p-1', f({}))).toEqual({ tuple: ['p-1'], missingUniqueId: true, mergedHuman: false });
    }
  });

  it('A3: cloud IAM and Kerberos use unique_id when present, without a warning otherwise', () => {
    for (const t of ['aws_iam', 'azure_ad', 'gcp', 'kerberos']) {
      expect(identityTupleA3(t, 'p-1', f({ unique_id: 'arn:x' })).tuple).toEqual(['p-1', 'uid', 'arn:x']);
      expect(identityTupleA3(t, 'p-1', f({}))).toEqual({ tuple: ['p-1'], missingUniqueId: false, mergedHuman: false });
    }
  });

  it('A3: k8s is access id × config × namespace, sub-claims before fields, missing parts ""', () => {
    expect(identityTupleA3('k8s', 'p-k', f({ client_sub_claims: { config_name: ['gke'], namespace: ['pay'] }, namespace: 'other' })).tuple)
      .toEqual(['p-k', 'k8s', 'gke', 'pay']);
    expect(identityTupleA3('k8s', 'p-k', f({ request_parameters: { namespace: 'web' } })).tuple).toEqual(['p-k', 'k8s', '', 'web']);
  });

  it('A3: universal identity: comment wins, else the 12-character token root, else the access id', () => {
    expect(identityTupleA3('universal_identity', 'p-u', f({ token_id: 'ywzsub3u4tbunVCo', comment: 'host-db-42' })).tuple)
      .toEqual(['p-u', 'comment', 'host-db-42']);
    expect(identityTupleA3('universal_identity', 'p-u', f({ token_id: 'ywzsub3u4tbunVCo' })).tuple).toEqual(['p-u', 'token', 'ywzsub3u4tbu']);
    expect(identityTupleA3('universal_identity', 'p-u', f({ token_id: 'short' })).tuple).toEqual(['p-u', 'token', 'short']);
    expect(identityTupleA3('universal_identity', 'p-u', f({})).tuple).toEqual(['p-u']);
  });

  it('A3: api_key, email, oci, unknown and other types are the access id alone', () => {
    for (const t of ['api_key', 'email', 'oci', 'unknown', 'huawei']) {
      expect(identityTupleA3(t, 'p-1', f({ unique_id: 'x' })).tuple).toEqual(['p-1']);
    }
  });

  it('A3: many pods, refreshes and retries of one identity are one client; one access id with two types warns', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      lines.push(ev({ timestamp: `2026-02-02T${String(i).padStart(2, '0')}:05:00Z`, access_id: 'p-k8s001', remote_addr: `10.4.0.${i}`,
        access_type: 'k8s', client_sub_claims: { config_name: ['gke'], namespace: ['pay'] } }));
    }
    lines.push(ev({ timestamp: '2026-02-03T00:00:00Z', access_id: 'p-api001', access_type: 'access_key' }));
    lines.push(ev({ timestamp: '2026-02-04T00:00:00Z', access_id: 'p-api001' }));
    const m = await runInProcess([tmpFile('k.jsonl', lines.join('\n') + '\n')]);
    expect(m.count.total.clients).toBe(2);
    expect(m.count.by_auth_method).toEqual([{ access_type: 'api_key', clients: 1 }, { access_type: 'k8s', clients: 1 }]);
    expect(m.count.warnings).toContain('multiple-access-types: access id p-api001 seen as api_key, unknown');
  });
});

describe('A4 products, months and new clients', () => {
  it('A4: product display names become codes; other values lowercased; missing is unknown', () => {
    expect(normaliseProductA4('Secrets Management')).toBe('sm');
    expect(normaliseProductA4('  secure   REMOTE access ')).toBe('sra');
    expect(normaliseProductA4('Password Management')).toBe('pm');
    expect(normaliseProductA4('DP')).toBe('dp');
    expect(normaliseProductA4(null)).toBeNull();
  });

  it('A4: same identity under two products is two clients; missing product warns', async () => {
    const p = tmpFile('p.jsonl', [
      ev({ access_id: 'p-a', product: 'Secrets Management' }),
      ev({ access_id: 'p-a', product: 'Secure Remote Access' }),
      ev({ access_id: 'p-a' }),
    ].join('\n') + '\n');
    const m = await runInProcess([p]);
    expect(m.count.by_product).toEqual([{ product: 'sm', clients: 1 }, { product: 'sra', clients: 1 }, { product: 'unknown', clients: 1 }]);
    expect(m.count.warnings).toContain('missing-product: 1 counted event(s) without product; counted under "unknown"');
  });

  it('A4: months cover the range including empty ones; new clients are new to the range; monthly_sum is the billing figure', async () => {
    const p = tmpFile('m.jsonl', [
      ev({ timestamp: '2026-01-31T23:59:59.999Z', access_id: 'p-a' }),
      ev({ timestamp: '2026-03-01T00:00:00Z', access_id: 'p-a' }),
      ev({ timestamp: '2026-03-02T00:00:00Z', access_id: 'p-b' }),
    ].join('\n') + '\n');
    const m = await runInProcess([p], { quota: 1 });
    expect(m.count.start_time).toBe('2026-01-01T00:00:00Z');
    expect(m.count.end_time).toBe('2026-03-31T23:59:59Z');
    expect(m.count.months.map((x) => [x.timestamp, x.counts.clients, x.new_clients.counts.clients])).toEqual([
      ['2026-01-01T00:00:00Z', 1, 1], ['2026-02-01T00:00:00Z', 0, 0], ['2026-03-01T00:00:00Z', 2, 1],
    ]);
    expect(m.count.total).toEqual({ clients: 2, monthly_sum: 3 });
    expect(m.quota).toEqual({ monthly: 1, annual: 12, months_over: ['2026-03'], annual_used: 3, annual_over: false });
    const json = JSON.parse(renderAkeylessCount(m, 'json'));
    expect(Object.keys(json)).toEqual(['platform', 'start_time', 'end_time', 'total', 'by_product', 'by_auth_method', 'by_access_id', 'months', 'quota', 'warnings', 'inputs']);
    // With --from, the first month is new for a client seen before the range.
    const r = await runInProcess([p], { from: '2026-03-01' });
    expect(r.count.months.map((x) => x.new_clients.counts.clients)).toEqual([2]);
    expect(r.count.start_time).toBe('2026-03-01T00:00:00Z');
  });

  it('A4: the first counted event of the month fixes type and access id; the range assignment uses the first in the range', async () => {
    const p = tmpFile('f.jsonl', [
      ev({ timestamp: '2026-02-02T00:00:02Z', access_id: 'p-h', access_type: 'api_key' }),
      ev({ timestamp: '2026-02-02T00:00:01Z', access_id: 'p-h' }),
      ev({ timestamp: '2026-03-02T00:00:01Z', access_id: 'p-h', access_type: 'api_key' }),
    ].join('\n') + '\n');
    const m = await runInProcess([p]);
    expect(m.count.by_auth_method).toEqual([{ access_type: 'unknown', clients: 1 }]);
    expect(m.count.by_access_id).toEqual([{ access_id: 'p-h', access_type: 'unknown', clients: 1 }]);
    expect(m.count.months[1]!.by_auth_method).toEqual([{ access_type: 'api_key', clients: 1 }]);
  });
});

describe('A5 --merge-humans', () => {
  it('A5: human methods with unique_id merge across access ids; others keep their tuple', () => {
    const fu = readFields({ unique_id: 'alice@example.com' });
    for (const t of ['saml', 'oidc', 'oauth2', 'ldap', 'email']) expect(identityA5(t, 'p-x', fu, true).tuple).toEqual(['human', 'alice@example.com']);
    expect(identityA5('cert', 'p-x', fu, true).tuple).toEqual(['p-x', 'uid', 'alice@example.com']);
    expect(identityA5('saml', 'p-x', readFields({}), true).tuple).toEqual(['p-x']);
    expect(identityA5('saml', 'p-x', fu, false).tuple).toEqual(['p-x', 'uid', 'alice@example.com']);
    expect(identityA5('saml', 'p-x', readFields({ unique_id: 'Alice@example.com' }), true).tuple).not.toEqual(identityA5('oidc', 'p-y', fu, true).tuple);
  });

  it('A5: the output is labelled approximate', async () => {
    const p = tmpFile('h.jsonl', ev({ access_id: 'p-s', access_type: 'saml', unique_id: 'a' }) + '\n' + ev({ access_id: 'p-o', access_type: 'oidc', unique_id: 'a', timestamp: '2026-02-03T00:00:00Z' }) + '\n');
    const m = await runInProcess([p], { mergeHumans: true });
    expect(m.count.total.clients).toBe(1);
    expect(m.count.by_access_id).toEqual([{ access_id: 'p-s', access_type: 'saml', clients: 1 }]);
    expect(m.count.inputs.options.merge_humans).toBe(true);
    expect(m.count.warnings[0]).toBe('merge-humans: human identities sharing a unique_id were merged across access ids; counts are approximate');
    expect(renderAkeylessCount(m, 'table')).toContain('approximate');
  });
});

describe('B1 bad input', () => {
  it('B1: malformed lines are counted with reasons and never crash; a cut last line is truncated', async () => {
    const p = tmpFile('bad.log', [
      ev({ access_id: 'p-ok', product: 'sm' }),
      '{"timestamp": broken',
      'CEF:0|Akeyless|Vault|1.0|100|Authentication|3|src=1.2.3.4',
      'random words here',
      '{"access_id":"p-notime"}',
      '2026-02-31T10:00:00Z access_id: p-x status: 200',
      '[1,2,3]',
      '',
      '{"timestamp":"2026-02-02T11:00:00Z","access_id":"p-cu',
    ].join('\n'));
    const m = await runInProcess([p]);
    const f = m.count.inputs.files[0]!;
    expect(f.malformed).toBe(6);
    expect(f.malformed_examples).toEqual([
      { line: 2, reason: 'invalid JSON' },
      { line: 3, reason: 'unsupported format (CEF)' },
      { line: 4, reason: 'unrecognised line' },
      { line: 5, reason: 'missing or invalid timestamp' },
      { line: 6, reason: 'missing or invalid timestamp' },
    ]);
    expect(f.truncated_last_line).toBe(true);
    expect(f.blank_lines).toBe(1);
    expect(m.count.total.clients).toBe(1);
    expect(m.count.warnings).toEqual([
      `malformed-lines: ${p}: 6 malformed line(s); first at line 2 (invalid JSON)`,
      `truncated-last-line: ${p}`,
    ]);
    // Contents are never echoed.
    expect(JSON.stringify(m.count)).not.toContain('random words');
  });

  it('B1: non-object array elements are malformed by element index; a broken array is reported, not fatal', async () => {
    const p = tmpFile('arr.json', `[${ev({ access_id: 'p-a' })}, 7, ${ev({ access_id: 'p-b' })}]`);
    const m = await runInProcess([p]);
    const f = m.count.inputs.files[0]!;
    expect(f.format).toBe('json-array');
    expect(f.malformed_examples).toEqual([{ line: 2, reason: 'not a JSON object' }]);
    expect(m.count.total.clients).toBe(2);
    const broken = tmpFile('broken.json', `[${ev({ access_id: 'p-a' })}, {"timestamp": oops}]\n`);
    const b = await runInProcess([broken]);
    expect(b.count.inputs.malformed).toBe(1);
    expect(b.count.inputs.files[0]!.malformed_examples[0]!.reason).toBe('invalid JSON');
    // Elements before the break count, all but those of the last ~1 KB (stream-json drops what it was
    // assembling from the slices in flight; scan.ts VALUE_SLICE_BYTES): 6 of these 12 (~170 bytes each).
    const many = Array.from({ length: 12 }, (_, i) => ev({ access_id: `p-elem${String(i).padStart(4, '0')}` }));
    const late = tmpFile('late-break.json', `[${many.join(',\n')}, {"timestamp": oops}]\n`);
    const l = await runInProcess([late]);
    expect(l.count.inputs.malformed).toBe(1);
    expect(l.count.total.clients).toBeGreaterThanOrEqual(6);
  });
});

describe('B2 token ids are never printed', () => {
  it('B2: neither the token id nor its root appears in any output', async () => {
    const p = tmpFile('t.jsonl', ev({ access_id: 'p-u', access_type: 'universal_identity', token_id: 'ywzsub3u4tbunVCo' }) + '\n');
    const m = await runInProcess([p]);
    const outputs = [
      renderAkeylessCount(m, 'json'), renderAkeylessCount(m, 'csv'), renderAkeylessCount(m, 'table'),
      renderAkeylessClients(m.clients, 'jsonl'), renderAkeylessClients(m.clients, 'csv'),
    ].join('\n');
    expect(outputs).not.toContain('ywzsub3u4tbu');
    expect(m.clients[0]!.token).toMatch(/^token:[0-9a-f]{8}$/);
    expect(m.clients[0]!.identity).toBe('token');
  });
});
