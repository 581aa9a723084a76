// [V8] months, ranges, billing periods, first-use attribution (spec vault.md §8.1-§8.2, §3.5) and
// [V9] aggregation and sorting (§8.3).
import { describe, it, expect } from 'vitest';
import { MonthCalendar } from '../../src/ledger/months.js';
import { parseRange, isInRange, parseBillingDay } from '../../src/ledger/range.js';
import { parseEventTime } from '../../src/ingest/time.js';
import { run, runFiles, req, login, jsonl, counts, mountsOf } from '../support/vault.js';

const ent = (time: string, entity: string, o: Record<string, unknown> = {}) =>
  req({ time, token: `hmac-sha256:${entity}`, entity, displayName: 'token', ...o });
const ts = (r: any) => r.report.months.map((m: any) => [m.timestamp, m.counts.clients, m.new_clients.counts.clients]);

describe('V8 month calendar', () => {
  it('V8 calendar months (billing day 1)', () => {
    const c = new MonthCalendar(1);
    const i = c.indexOf(Date.parse('2024-02-29T23:59:59.999Z'));
    expect(c.timestamp(i)).toBe('2024-02-01T00:00:00Z');
    expect(c.endTimestamp(i)).toBe('2024-02-29T23:59:59Z');
    expect(c.indexOf(Date.parse('2024-03-01T00:00:00Z'))).toBe(i + 1);
  });

  it('V8 billing day 15: months run from the 15th to the 14th', () => {
    const c = new MonthCalendar(15);
    expect(c.timestamp(c.indexOf(Date.parse('2024-03-14T23:59:59.999Z')))).toBe('2024-02-15T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-03-15T00:00:00Z')))).toBe('2024-03-15T00:00:00Z');
    expect(c.endTimestamp(c.indexOf(Date.parse('2024-03-15T00:00:00Z')))).toBe('2024-04-14T23:59:59Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-01-01T00:00:00Z')))).toBe('2023-12-15T00:00:00Z');
  });

  it('V8 billing day 31: shorter months start on their last day (February 29 in 2024, 28 in 2023)', () => {
    const c = new MonthCalendar(31);
    expect(c.timestamp(c.indexOf(Date.parse('2024-02-28T12:00:00Z')))).toBe('2024-01-31T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-02-29T00:00:00Z')))).toBe('2024-02-29T00:00:00Z');
    expect(c.endTimestamp(c.indexOf(Date.parse('2024-02-29T00:00:00Z')))).toBe('2024-03-30T23:59:59Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-03-30T23:59:59Z')))).toBe('2024-02-29T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-03-31T00:00:00Z')))).toBe('2024-03-31T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2024-04-30T00:00:00Z')))).toBe('2024-04-30T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2023-02-27T23:00:00Z')))).toBe('2023-01-31T00:00:00Z');
    expect(c.timestamp(c.indexOf(Date.parse('2023-02-28T00:00:00Z')))).toBe('2023-02-28T00:00:00Z');
  });

  it('V8 --billing-start: only the day is used; invalid dates are rejected', () => {
    expect(parseBillingDay('2019-07-15')).toBe(15);
    expect(parseBillingDay(undefined)).toBe(1);
    expect(() => parseBillingDay('2024-02-31')).toThrow(/billing-start/);
    expect(() => parseBillingDay('15')).toThrow(/billing-start/);
  });
});

describe('V8 ranges', () => {
  const t = (s: string) => parseEventTime(s)!;
  it('V8 --from/--to are inclusive UTC days at nanosecond precision', () => {
    const r = parseRange('2024-05-01', '2024-05-31');
    expect(isInRange(r, t('2024-04-30T23:59:59.999999999Z'))).toBe(false);
    expect(isInRange(r, t('2024-05-01T00:00:00Z'))).toBe(true);
    expect(isInRange(r, t('2024-05-31T23:59:59.999999999Z'))).toBe(true);
    expect(isInRange(r, t('2024-06-01T00:00:00Z'))).toBe(false);
    expect(isInRange(r, t('2024-06-01T01:00:00+02:00'))).toBe(true); // 2024-05-31T23:00Z
    expect(isInRange(r, t('2024-05-01T01:00:00+02:00'))).toBe(false); // 2024-04-30T23:00Z
  });

  it('V8 YYYY-MM means the first / last day of the month', () => {
    const r = parseRange('2024-02', '2024-02');
    expect(isInRange(r, t('2024-02-01T00:00:00Z'))).toBe(true);
    expect(isInRange(r, t('2024-02-29T23:59:59.999999999Z'))).toBe(true);
    expect(isInRange(r, t('2024-03-01T00:00:00Z'))).toBe(false);
    expect(isInRange(r, t('2024-01-31T23:59:59.999999999Z'))).toBe(false);
  });

  it('V8 impossible dates and reversed ranges are usage errors', () => {
    expect(() => parseRange('2024-02-31', undefined)).toThrow(/--from/);
    expect(() => parseRange(undefined, '2024-13')).toThrow(/--to/);
    expect(() => parseRange('2024-06-01', '2024-05-01')).toThrow(/after/);
  });

  it('V8 requests outside the range are out_of_range; start/end time, months and rules follow the range', async () => {
    const r = await run([
      ent('2024-04-30T23:59:59.999999999Z', 'E0'),
      ent('2024-05-01T00:00:00Z', 'E1'),
      ent('2024-06-30T23:59:59.999999999Z', 'E2'),
      ent('2024-07-01T00:00:00Z', 'E3'),
    ], { from: '2024-05-01', to: '2024-07-31' });
    expect(r.report.inputs.requests.out_of_range).toBe(1);
    expect(r.report.inputs.requests.countable).toBe(3);
    expect(r.report.start_time).toBe('2024-05-01T00:00:00Z');
    expect(r.report.end_time).toBe('2024-07-31T23:59:59Z');
    expect(ts(r)).toEqual([['2024-05-01T00:00:00Z', 1, 1], ['2024-06-01T00:00:00Z', 1, 1], ['2024-07-01T00:00:00Z', 1, 1]]);
    expect([r.report.rules.from, r.report.rules.to]).toEqual(['2024-05-01', '2024-07-31']);
  });

  it('V8 the range lists empty months too, with zero counts and empty arrays', async () => {
    const r = await run([ent('2024-05-10T00:00:00Z', 'E1')], { from: '2024-04', to: '2024-06' });
    expect(r.report.start_time).toBe('2024-04-01T00:00:00Z');
    expect(r.report.end_time).toBe('2024-06-30T23:59:59Z');
    expect(r.report.months[0]).toEqual({ timestamp: '2024-04-01T00:00:00Z', counts: counts(0, 0, 0), namespaces: [], new_clients: { counts: counts(0, 0, 0), namespaces: [] } });
    expect(ts(r)).toEqual([['2024-04-01T00:00:00Z', 0, 0], ['2024-05-01T00:00:00Z', 1, 1], ['2024-06-01T00:00:00Z', 0, 0]]);
    expect(r.report.kmip.months.map((m: any) => m.timestamp)).toEqual(r.report.months.map((m: any) => m.timestamp));
  });

  it('V8 without a range: start/end are the first/last months holding a counted event, gaps included', async () => {
    const r = await run([ent('2024-03-10T00:00:00Z', 'E1'), ent('2024-05-10T00:00:00Z', 'E1'), req({ time: '2025-01-01T00:00:00Z' })]);
    expect(r.report.start_time).toBe('2024-03-01T00:00:00Z');
    expect(r.report.end_time).toBe('2024-05-31T23:59:59Z');
    expect(ts(r)).toEqual([['2024-03-01T00:00:00Z', 1, 1], ['2024-04-01T00:00:00Z', 0, 0], ['2024-05-01T00:00:00Z', 1, 0]]);
  });

  it('V8 nothing in range: empty-range warning with the span of entry times', async () => {
    const r = await run([ent('2023-11-02T10:00:00Z', 'E1'), ent('2023-12-30T10:00:00Z', 'E2')], { from: '2024-01-01', to: '2024-01-31' });
    expect(r.report.total).toEqual(counts(0, 0, 0));
    expect(r.report.warnings).toEqual(['empty-range: 0 countable requests in 2024-01-01..2024-01-31; the inputs span 2023-11-02..2023-12-30']);
    expect(r.report.months.length).toBe(1);
  });

  it('V8 billing-start day 15 end to end: timestamps, start/end, rules.billing_start_day', async () => {
    const r = await run([
      ent('2024-03-14T23:59:59.999999999Z', 'E1'),
      ent('2024-03-15T00:00:00Z', 'E1'),
      ent('2024-03-15T00:00:01Z', 'E2'),
    ], { billingStart: '2023-01-15' });
    expect(ts(r)).toEqual([['2024-02-15T00:00:00Z', 1, 1], ['2024-03-15T00:00:00Z', 2, 1]]);
    expect([r.report.start_time, r.report.end_time]).toEqual(['2024-02-15T00:00:00Z', '2024-04-14T23:59:59Z']);
    expect(r.report.rules.billing_start_day).toBe(15);
  });

  it('V8 billing-start day 31 end to end across February 2024', async () => {
    const r = await run([
      ent('2024-02-28T23:59:59Z', 'E1'),
      ent('2024-02-29T00:00:00Z', 'E2'),
      ent('2024-03-30T23:59:59Z', 'E3'),
      ent('2024-03-31T00:00:00Z', 'E4'),
    ], { billingStart: '2024-01-31' });
    expect(ts(r)).toEqual([['2024-01-31T00:00:00Z', 1, 1], ['2024-02-29T00:00:00Z', 2, 2], ['2024-03-31T00:00:00Z', 1, 1]]);
    expect(r.report.end_time).toBe('2024-04-29T23:59:59Z');
  });

  it('V8 new clients are relative to the range start', async () => {
    const lines = [ent('2024-04-10T00:00:00Z', 'E1'), ent('2024-05-10T00:00:00Z', 'E1'), ent('2024-05-11T00:00:00Z', 'E2')];
    const all = await run(lines);
    expect(ts(all)).toEqual([['2024-04-01T00:00:00Z', 1, 1], ['2024-05-01T00:00:00Z', 2, 1]]);
    const may = await run(lines, { from: '2024-05-01' });
    expect(ts(may)).toEqual([['2024-05-01T00:00:00Z', 2, 2]]);
    expect(may.report.total).toEqual(counts(2, 2, 0));
  });
});

describe('V8 first countable request of the month fixes attribution', () => {
  const logins = [
    login({ time: '2024-04-01T00:00:00Z', mount: 'userpass', type: 'userpass', token: 'hmac-sha256:tu', entity: 'E1', mountAccessor: 'auth_userpass_1' }),
    login({ time: '2024-04-01T00:00:01Z', mount: 'ldap', type: 'ldap', token: 'hmac-sha256:tl', entity: 'E1', mountAccessor: 'auth_ldap_1' }),
  ];
  const use = (time: string, tok: 'tu' | 'tl') => req({ time, token: `hmac-sha256:${tok}`, entity: 'E1' });

  it('V8 later requests of the month change nothing; the next month re-decides (V9: both mounts, once in the namespace)', async () => {
    const r = await run([...logins,
      use('2024-05-02T00:00:00Z', 'tu'), use('2024-05-03T00:00:00Z', 'tl'),
      use('2024-06-01T00:00:00Z', 'tl'), use('2024-06-02T00:00:00Z', 'tu')]);
    expect(mountsOf(r.report.months[0].namespaces)).toEqual(['root|auth/userpass/|userpass/=1']);
    expect(mountsOf(r.report.months[1].namespaces)).toEqual(['root|auth/ldap/|ldap/=1']);
    expect(mountsOf(r.report.months[1].new_clients.namespaces)).toEqual([]);
    expect(r.report.by_namespace[0].counts).toEqual(counts(1, 1, 0));
    expect(mountsOf(r.report.by_namespace)).toEqual(['root|auth/ldap/|ldap/=1', 'root|auth/userpass/|userpass/=1']);
    expect(r.report.total).toEqual(counts(1, 1, 0));
    // export: earliest month in the range
    expect(r.clients.map((c) => [c.mount_path, c.client_first_usage_time])).toEqual([['auth/userpass/', '2024-05-02T00:00:00Z']]);
  });

  it('V8 processing order, not file order: the earlier time wins even when it comes later in the file', async () => {
    const r = await run([...logins, use('2024-05-03T00:00:00Z', 'tl'), use('2024-05-02T00:00:00Z', 'tu')]);
    expect(mountsOf(r.report.months[0].namespaces)).toEqual(['root|auth/userpass/|userpass/=1']);
    expect(r.clients[0].client_first_usage_time).toBe('2024-05-02T00:00:00Z');
  });

  it('V8 sub-millisecond precision decides (100 ns apart, later one first in the file)', async () => {
    const r = await run([...logins, use('2024-05-02T00:00:00.0000002Z', 'tl'), use('2024-05-02T00:00:00.0000001Z', 'tu')]);
    expect(mountsOf(r.report.months[0].namespaces)).toEqual(['root|auth/userpass/|userpass/=1']);
    expect(r.clients[0].client_first_usage_time).toBe('2024-05-02T00:00:00.0000001Z');
  });

  it('V8 equal times across files: file index decides (swapping the files swaps the result)', async () => {
    const same = '2024-05-02T00:00:00.123456789Z';
    const a = jsonl([...logins, use(same, 'tu')]);
    const b = jsonl([use(same, 'tl')]);
    const ab = await runFiles([a, b]);
    expect(mountsOf(ab.report.months[0].namespaces)).toEqual(['root|auth/userpass/|userpass/=1']);
    const ba = await runFiles([b, a]);
    expect(mountsOf(ba.report.months[0].namespaces)).toEqual(['root|auth/ldap/|ldap/=1']);
    expect(ba.clients[0].client_first_usage_time).toBe(same);
  });

  it('V8 equal times in one file: the earlier line decides', async () => {
    const same = '2024-05-02T00:00:00Z';
    const r1 = await run([...logins, use(same, 'tl'), use(same, 'tu')]);
    expect(mountsOf(r1.report.months[0].namespaces)).toEqual(['root|auth/ldap/|ldap/=1']);
    const r2 = await run([...logins, use(same, 'tu'), use(same, 'tl')]);
    expect(mountsOf(r2.report.months[0].namespaces)).toEqual(['root|auth/userpass/|userpass/=1']);
  });

  it('V8 token_creation_time in the export comes from the first request of that month', async () => {
    const r = await run([
      req({ time: '2024-05-02T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token', issueTime: '2024-05-01T00:00:00Z' }),
      req({ time: '2024-05-01T12:00:00Z', token: 'hmac-sha256:b', entity: 'E1', displayName: 'token', issueTime: '2024-04-01T00:00:00Z' }),
    ]);
    expect(r.clients.map((c) => [c.token_creation_time, c.client_first_usage_time])).toEqual([['2024-04-01T00:00:00Z', '2024-05-01T12:00:00Z']]);
  });
});

describe('V9 aggregation', () => {
  it('V9 namespaces sorted by clients desc, then namespace_path, then namespace_id; mounts by clients desc then mount_path', async () => {
    const ns = (id: string, path: string) => ({ ns: { id, path } });
    const r = await run([
      ent('2024-05-01T00:00:01Z', 'A1', ns('zz', 'b/')),
      ent('2024-05-01T00:00:02Z', 'A2', ns('aa', 'c/')),
      ent('2024-05-01T00:00:03Z', 'A3', ns('yy', 'a/')),
      ent('2024-05-01T00:00:04Z', 'A4', ns('yy', 'a/')),
      ent('2024-05-01T00:00:05Z', 'A5', { ...ns('bb', 'c/') }),
      // root: 3 clients over mounts token (1), unknown (2)
      ent('2024-05-01T00:00:06Z', 'R1'),
      req({ time: '2024-05-01T00:00:07Z', token: 'hmac-sha256:r2', entity: 'R2', displayName: 'approle' }),
      req({ time: '2024-05-01T00:00:08Z', token: 'hmac-sha256:r3', entity: 'R3', displayName: 'approle' }),
    ]);
    expect(r.report.by_namespace.map((n: any) => [n.namespace_id, n.namespace_path, n.counts.clients])).toEqual([
      ['root', '', 3], ['yy', 'a/', 2], ['zz', 'b/', 1], ['aa', 'c/', 1], ['bb', 'c/', 1],
    ]);
    expect(r.report.by_namespace[0].mounts.map((m: any) => [m.mount_path, m.mount_type, m.counts.clients])).toEqual([
      ['unknown (token issued before the logs)', '', 2], ['auth/token/', 'token/', 1],
    ]);
    expect(r.report.months[0].namespaces.map((n: any) => n.namespace_id)).toEqual(['root', 'yy', 'zz', 'aa', 'bb']);
  });

  it('V9 mount ties sort by mount_path ascending (ordinal)', async () => {
    const r = await run([
      login({ time: '2024-05-01T00:00:00Z', mount: 'b', type: 'userpass', token: 'hmac-sha256:tb', entity: 'X' }),
      login({ time: '2024-05-01T00:00:00Z', mount: 'B', type: 'userpass', token: 'hmac-sha256:tB', entity: 'X' }),
      login({ time: '2024-05-01T00:00:00Z', mount: 'a', type: 'userpass', token: 'hmac-sha256:ta', entity: 'X' }),
      req({ time: '2024-05-02T00:00:00Z', token: 'hmac-sha256:tb', entity: 'E1' }),
      req({ time: '2024-05-02T00:00:01Z', token: 'hmac-sha256:tB', entity: 'E2' }),
      req({ time: '2024-05-02T00:00:02Z', token: 'hmac-sha256:ta', entity: 'E3' }),
    ]);
    expect(r.report.by_namespace[0].mounts.map((m: any) => m.mount_path)).toEqual(['auth/B/', 'auth/a/', 'auth/b/']);
  });

  it('V9 a client attributed to two namespaces: counted in both, once in total, with a warning', async () => {
    const r = await run([
      req({ time: '2024-05-02T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token' }),
      req({ time: '2024-06-02T00:00:00Z', token: 'hmac-sha256:b', entity: 'E1', displayName: 'token', ns: { id: 'aBcD1', path: 'ns1/' } }),
      req({ time: '2024-06-03T00:00:00Z', token: 'hmac-sha256:c', entity: 'E2', displayName: 'token' }),
    ]);
    expect(r.report.by_namespace.map((n: any) => [n.namespace_id, n.counts.clients])).toEqual([['root', 2], ['aBcD1', 1]]);
    expect(r.report.total).toEqual(counts(2, 2, 0));
    expect(r.report.warnings).toEqual(['multi-namespace-clients: 1 client(s) attributed to more than one namespace; total counts them once']);
  });

  it('V9 the month sum is not the period total; secret_syncs and acme_clients are always 0', async () => {
    const r = await run([
      ent('2024-05-02T00:00:00Z', 'E1'), ent('2024-06-02T00:00:00Z', 'E1'), ent('2024-07-02T00:00:00Z', 'E1'),
      req({ time: '2024-07-03T00:00:00Z', token: 'hmac-sha256:n', policies: ['default', 'kv-read'], displayName: 'token' }),
    ]);
    expect(r.report.months.map((m: any) => m.counts.clients)).toEqual([1, 1, 2]);
    expect(r.report.total).toEqual(counts(2, 1, 1));
    const json = r.countJsonText;
    expect(json).not.toMatch(/"(secret_syncs|acme_clients)": [1-9]/);
  });
});
