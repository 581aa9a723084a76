// [V10] KMIP clients (spec vault.md §9), [V11] count document (§10), [V12] per-client export (§11).
import { describe, it, expect } from 'vitest';
import { run, runFiles, req, counts, excluded } from '../support/vault.js';

const kmip = (time: string, serial?: string, top = false, type = 'kmip-request') => {
  const e: Record<string, unknown> = { time, type, request: { namespace: { id: 'root' }, data: { kmip_request: { tag: 'RequestMessage' } } } };
  if (serial !== undefined) {
    if (top) e.client_certificate_serial_number = serial;
    else (e.request as Record<string, unknown>).client_certificate_serial_number = serial;
  }
  return e;
};
const kmipMonths = (r: any) => r.report.kmip.months.map((m: any) => [m.timestamp, m.clients, m.new_clients]);

describe('V10 KMIP clients', () => {
  it('V10 distinct serials (request field, else top-level), entries without serial tallied, never in total', async () => {
    const r = await run([
      kmip('2024-05-01T00:00:00Z', '7931113993'),
      kmip('2024-05-02T00:00:00Z', '7931113993'),
      kmip('2024-05-03T00:00:00Z', '1111', true),
      kmip('2024-05-04T00:00:00Z'),
      kmip('2024-05-05T00:00:00Z', ''),
      kmip('2024-06-01T00:00:00Z', '1111'),
      kmip('2024-06-02T00:00:00Z', '2222'),
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token' }),
    ]);
    expect(r.report.kmip.clients).toBe(3);
    expect(r.report.kmip.entries_without_serial).toBe(2);
    expect(kmipMonths(r)).toEqual([['2024-05-01T00:00:00Z', 2, 2], ['2024-06-01T00:00:00Z', 2, 1]]);
    expect(r.report.total).toEqual(counts(1, 1, 0));
    expect(r.report.by_namespace[0].counts).toEqual(counts(1, 1, 0));
    expect(r.report.months[1].counts).toEqual(counts(0, 0, 0));
    expect(r.report.inputs.entries['kmip-request']).toBe(7);
    expect(r.report.warnings).toEqual([]);
  });

  it('V10 KMIP alone defines the period; --from/--to filter KMIP entries', async () => {
    const r = await run([kmip('2024-03-31T23:59:59Z', 'a'), kmip('2024-04-10T00:00:00Z', 'b'), kmip('2024-04-11T00:00:00Z', 'a')], { from: '2024-04-01' });
    expect(r.report.start_time).toBe('2024-04-01T00:00:00Z');
    expect(r.report.end_time).toBe('2024-04-30T23:59:59Z');
    expect(kmipMonths(r)).toEqual([['2024-04-01T00:00:00Z', 2, 2]]);
    expect(r.report.total).toEqual(counts(0, 0, 0));
    expect(r.report.warnings).toEqual([]); // KMIP counted: no empty-range
  });

  it('V10 only kmip-response entries: counted from them with a kmip-response-only warning', async () => {
    const r = await run([
      kmip('2024-05-01T00:00:00Z', 's1', false, 'kmip-response'),
      kmip('2024-05-02T00:00:00Z', 's2', false, 'kmip-response'),
      kmip('2024-05-03T00:00:00Z', undefined, false, 'kmip-response'),
    ]);
    expect(r.report.kmip).toEqual({ clients: 2, entries_without_serial: 1, months: [{ timestamp: '2024-05-01T00:00:00Z', clients: 2, new_clients: 2 }] });
    expect(r.report.warnings).toEqual(['kmip-response-only: no kmip-request entries found; KMIP clients counted from kmip-response entries']);
  });

  it('V10 kmip-response entries are ignored when kmip-request entries exist', async () => {
    const r = await run([kmip('2024-05-01T00:00:00Z', 's1'), kmip('2024-05-01T00:00:01Z', 's2', false, 'kmip-response')]);
    expect(r.report.kmip.clients).toBe(1);
    expect(r.report.warnings).toEqual([]);
  });
});

const COUNTS_KEYS = ['clients', 'entity_clients', 'non_entity_clients', 'secret_syncs', 'acme_clients'];
function checkNamespaceKeys(list: any[]) {
  for (const ns of list) {
    expect(Object.keys(ns)).toEqual(['namespace_id', 'namespace_path', 'counts', 'mounts']);
    expect(Object.keys(ns.counts)).toEqual(COUNTS_KEYS);
    for (const m of ns.mounts) {
      expect(Object.keys(m)).toEqual(['mount_path', 'mount_type', 'counts']);
      expect(Object.keys(m.counts)).toEqual(COUNTS_KEYS);
    }
  }
}
function checkKeyOrder(doc: any) {
  expect(Object.keys(doc)).toEqual(['start_time', 'end_time', 'by_namespace', 'months', 'total', 'kmip', 'inputs', 'warnings', 'rules']);
  checkNamespaceKeys(doc.by_namespace);
  for (const m of doc.months) {
    expect(Object.keys(m)).toEqual(['timestamp', 'counts', 'namespaces', 'new_clients']);
    expect(Object.keys(m.counts)).toEqual(COUNTS_KEYS);
    expect(Object.keys(m.new_clients)).toEqual(['counts', 'namespaces']);
    checkNamespaceKeys(m.namespaces);
    checkNamespaceKeys(m.new_clients.namespaces);
  }
  expect(Object.keys(doc.total)).toEqual(COUNTS_KEYS);
  expect(Object.keys(doc.kmip)).toEqual(['clients', 'entries_without_serial', 'months']);
  for (const m of doc.kmip.months) expect(Object.keys(m)).toEqual(['timestamp', 'clients', 'new_clients']);
  // client_id_check: intentional extra key (issue #2), after the spec's keys
  expect(Object.keys(doc.inputs)).toEqual(['files', 'entries', 'malformed', 'requests', 'tokens_registered', 'attribution', 'client_id_check']);
  for (const f of doc.inputs.files) {
    expect(Object.keys(f)).toEqual(['path', 'lines', 'blank_lines', 'entries', 'malformed', 'malformed_examples', 'truncated_last_line', 'first_time', 'last_time']);
    expect(Object.keys(f.entries)).toEqual(['request', 'response', 'kmip-request', 'kmip-response', 'other']);
    for (const ex of f.malformed_examples) expect(Object.keys(ex)).toEqual(['line', 'reason']);
  }
  expect(Object.keys(doc.inputs.entries)).toEqual(['request', 'response', 'kmip-request', 'kmip-response', 'other']);
  expect(Object.keys(doc.inputs.requests)).toEqual(['countable', 'out_of_range', 'excluded']);
  expect(Object.keys(doc.inputs.requests.excluded)).toEqual(['no_token', 'error', 'policy_denied', 'login', 'root', 'wrapping']);
  expect(Object.keys(doc.inputs.attribution)).toEqual(['issuer', 'display_name', 'token_mount', 'unknown']);
  expect(Object.keys(doc.inputs.client_id_check)).toEqual(['checked', 'mismatched']);
  expect(Object.keys(doc.rules)).toEqual(['platform', 'profile', 'billing_start_day', 'from', 'to', 'prefix', 'response_only', 'strict']);
}

describe('V11 count document', () => {
  it('V11 key order of the whole document (populated, two namespaces, two months, malformed line)', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token' }),
      req({ time: '2024-06-01T00:00:00Z', token: 'hmac-sha256:b', policies: ['x'], displayName: 'token', ns: { id: 'n1', path: 'n1/' } }),
      'garbage',
      { time: '2024-06-01T00:00:00Z', type: 'kmip-request', request: { client_certificate_serial_number: '1' } },
    ]);
    checkKeyOrder(r.report);
    expect(r.report.months.length).toBe(2);
    expect(r.report.by_namespace.length).toBe(2);
  });

  it('V11 empty input is a valid report with every key present', async () => {
    const r = await runFiles(['']);
    checkKeyOrder(r.report);
    expect(r.report).toEqual({
      start_time: null, end_time: null, by_namespace: [], months: [], total: counts(0, 0, 0),
      kmip: { clients: 0, entries_without_serial: 0, months: [] },
      inputs: {
        files: [{ path: r.paths[0], lines: 0, blank_lines: 0, entries: { request: 0, response: 0, 'kmip-request': 0, 'kmip-response': 0, other: 0 },
          malformed: 0, malformed_examples: [], truncated_last_line: false, first_time: null, last_time: null }],
        entries: { request: 0, response: 0, 'kmip-request': 0, 'kmip-response': 0, other: 0 }, malformed: 0,
        requests: { countable: 0, out_of_range: 0, excluded: excluded({}) }, tokens_registered: 0,
        attribution: { issuer: 0, display_name: 0, token_mount: 0, unknown: 0 }, client_id_check: { checked: 0, mismatched: 0 },
      },
      warnings: [],
      rules: { platform: 'vault', profile: 'current', billing_start_day: 1, from: null, to: null, prefix: null, response_only: false, strict: false },
    });
    expect(r.clientsJsonlText).toBe('');
    expect(r.clientsCsv).toBe('client_id,client_type,namespace_id,namespace_path,mount_accessor,mount_path,mount_type,token_creation_time,client_first_usage_time\n');
  });

  it('V11 empty range with a given range: months listed, start/end from the range', async () => {
    const r = await runFiles([''], { from: '2024-01-01', to: '2024-02-15' });
    expect([r.report.start_time, r.report.end_time]).toEqual(['2024-01-01T00:00:00Z', '2024-02-15T23:59:59Z']);
    expect(r.report.months.map((m: any) => m.timestamp)).toEqual(['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z']);
    expect(r.report.kmip.months.length).toBe(2);
  });

  it('V11 namespace_path "" for root and ending in / otherwise; count mount_type ends with / (unknown "")', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:b', entity: 'E2', displayName: 'token', ns: { id: 'n1', path: 'team' } }),
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:c', entity: 'E3', displayName: 'nomatch' }),
    ]);
    expect(r.report.by_namespace.map((n: any) => [n.namespace_path, n.mounts.map((m: any) => m.mount_type)])).toEqual([
      ['', ['token/', '']], ['team/', ['ns_token/']],
    ]);
  });
});

describe('V12 per-client export', () => {
  const HEADER = 'client_id,client_type,namespace_id,namespace_path,mount_accessor,mount_path,mount_type,token_creation_time,client_first_usage_time';

  it('V12 order: first usage ascending, ties by client_id ascending; jsonl keys in header order', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:a', entity: 'b-entity', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:b', entity: 'z-entity', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:c', entity: 'a-entity', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:02.5Z', token: 'hmac-sha256:d', entity: 'A-entity', displayName: 'token' }),
    ]);
    expect(r.clients.map((c) => c.client_id)).toEqual(['z-entity', 'a-entity', 'b-entity', 'A-entity']);
    for (const c of r.clients) expect(Object.keys(c).join(',')).toBe(HEADER);
    expect(r.clientsCsv.split('\n')[0]).toBe(HEADER);
    expect(r.clientsCsv.split('\n').length).toBe(6); // header, 4 records, trailing ''
    expect(r.clientsCsv.endsWith('\n')).toBe(true);
    expect(r.clientsCsv).not.toContain('\r');
  });

  it('V12 RFC 4180 quoting: fields with comma, quote, CR or LF are quoted and quotes doubled', async () => {
    const r = await run([
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:a', entity: 'a,b', displayName: 'token', ns: { id: 'n"1', path: 'x,y' } }),
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:b', entity: 'line\nbreak', displayName: 'token' }),
    ]);
    const lines = r.clientsCsv.split('\n');
    expect(lines[1]).toBe('"a,b",entity,"n""1","x,y/",,auth/token/,ns_token,,2024-05-01T00:00:01Z');
    expect(r.clientsCsv).toContain('\n"line\nbreak",entity,root,,,auth/token/,token,,2024-05-01T00:00:02Z\n');
  });

  it('V12 RFC 4180 quoting: a field containing CR is quoted', async () => {
    const r = await run([req({ time: '2024-05-01T00:00:03Z', token: 'hmac-sha256:c', entity: 'cr\rx', displayName: 'token' })]);
    expect(r.clientsCsv).toContain('\n"cr\rx",entity,root,,,auth/token/,token,,2024-05-01T00:00:03Z\n');
  });

  it('V12 values are verbatim: a leading +, =, - or @ is not neutralised', async () => {
    const r = await run([
      // computed id starting with "+": policies ["p253"] in root
      req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:a', policies: ['p253'], displayName: 'token' }),
      req({ time: '2024-05-01T00:00:02Z', token: 'hmac-sha256:b', entity: '=SUM(A1)', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:03Z', token: 'hmac-sha256:c', entity: '-x', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:04Z', token: 'hmac-sha256:d', entity: '@y', displayName: 'token' }),
    ]);
    expect(r.clientsCsv.split('\n').slice(1, 5).map((l) => l.split(',')[0])).toEqual(['+moRUQPPKVmafHfF5k+g6K3fvPQFfAgM8kUarcQDql0=', '=SUM(A1)', '-x', '@y']);
    expect(r.clients[0].client_id).toBe('+moRUQPPKVmafHfF5k+g6K3fvPQFfAgM8kUarcQDql0=');
  });

  it('V12 token_creation_time: token_issue_time with +08:00 converted to UTC (seconds); else registry; else ""', async () => {
    const r = await run([
      req({ time: '2026-09-09T06:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token', issueTime: '2026-09-09T13:54:37+08:00' }),
      req({ time: '2026-09-09T06:00:01Z', token: 'hmac-sha256:b', entity: 'E2', displayName: 'token', issueTime: '2026-09-08T22:54:37-07:00' }),
      req({ time: '2026-09-09T06:00:02.123456Z', token: 'hmac-sha256:c', entity: 'E3', displayName: 'token' }),
    ]);
    expect(r.clients.map((c) => [c.client_id, c.token_creation_time, c.client_first_usage_time])).toEqual([
      ['E1', '2026-09-09T05:54:37Z', '2026-09-09T06:00:00Z'],
      ['E2', '2026-09-09T05:54:37Z', '2026-09-09T06:00:01Z'],
      ['E3', '', '2026-09-09T06:00:02.123456Z'],
    ]);
  });

  it('V12 export mount_type has no trailing slash; the count document has one', async () => {
    const r = await run([req({ time: '2024-05-01T00:00:01Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token', ns: { id: 'n1', path: 'n1/' } })]);
    expect(r.clients[0].mount_type).toBe('ns_token');
    expect(r.report.by_namespace[0].mounts[0].mount_type).toBe('ns_token/');
  });

  it('V12 one record per client using its earliest month in the range', async () => {
    const r = await run([
      req({ time: '2024-04-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'token' }),
      req({ time: '2024-05-01T00:00:00Z', token: 'hmac-sha256:a', entity: 'E1', displayName: 'approle' }),
    ], { from: '2024-05-01' });
    expect(r.clients.map((c) => [c.client_id, c.mount_path, c.client_first_usage_time])).toEqual([
      ['E1', 'unknown (token issued before the logs)', '2024-05-01T00:00:00Z'],
    ]);
  });
});
