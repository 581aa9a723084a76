// Text `key: value` events (spec akeyless.md §3.3) and line classification (§3.1).

import { describe, expect, it } from 'vitest';
import { classifyLine } from '../../src/akeyless/classify.js';
import { looksLikeAkeyless } from '../../src/akeyless/detect.js';
import { nextKey, parseKeyValues, parseTextEvent, type TextEvent } from '../../src/akeyless/text-event.js';
import { mulberry32 } from '../../fixtures/generators/vault-sim.js';
import { formatEventTime } from '../../src/ingest/time.js';

const SPEC_LINE = '2026-03-03T08:00:00Z account_id: acc-7xk2m9q4ab1c access_id: p-mcidcla45c0cam action: Authentication status: 200 remote_addr: 192.0.2.44,10.0.3.15 duration: 640 access_type: saml2 product: Secrets Management unique_id: alice@example.com';

function parsed(line: string): TextEvent {
  const t = parseTextEvent(line);
  if (t === null || t === 'invalid-timestamp') throw new Error(`not a text event: ${String(t)}`);
  return t;
}

describe('text events (§3.3)', () => {
  it('parses the spec example, values with spaces kept whole', () => {
    const t = parsed(SPEC_LINE);
    expect(formatEventTime(t.time)).toBe('2026-03-03T08:00:00Z');
    expect(t.naive).toBe(false);
    expect(t.record).toEqual({
      account_id: 'acc-7xk2m9q4ab1c', access_id: 'p-mcidcla45c0cam', action: 'Authentication', status: '200',
      remote_addr: '192.0.2.44,10.0.3.15', duration: '640', access_type: 'saml2', product: 'Secrets Management',
      unique_id: 'alice@example.com',
    });
  });

  it('keeps colons not followed by whitespace (URLs, times) inside values', () => {
    const r = parseKeyValues('path: https://gw.example.com:8000/api/v2?x=1 at: 10:30:00 product: Secure Remote Access');
    expect(r).toEqual({ path: 'https://gw.example.com:8000/api/v2?x=1', at: '10:30:00', product: 'Secure Remote Access' });
  });

  it('uses JSON values as JSON, even when they contain key-like text', () => {
    const r = parseKeyValues('client_sub_claims: {"namespace": ["payments"], "note": "error: x"} request_parameters: {"product":"sm"} action: list_items');
    expect(r['client_sub_claims']).toEqual({ namespace: ['payments'], note: 'error: x' });
    expect(r['request_parameters']).toEqual({ product: 'sm' });
    expect(r['action']).toBe('list_items');
  });

  it('keeps a non-JSON brace value as text (and the reader ignores it as sub-claims)', () => {
    expect(parseKeyValues('client_sub_claims: {not json} action: x')).toEqual({ client_sub_claims: '{not json}', action: 'x' });
  });

  it('empty values and the "-" placeholder', () => {
    expect(parseKeyValues('unique_id: - comment: status:')).toEqual({ unique_id: '-', comment: '', status: '' });
  });

  it('naive timestamps are UTC and flagged; " UTC" and offsets are accepted', () => {
    const naive = parsed('2026-03-03 08:00:00.5 access_id: p-x');
    expect(formatEventTime(naive.time)).toBe('2026-03-03T08:00:00.5Z');
    expect(naive.naive).toBe(true);
    const utc = parsed('2026-03-03 08:00:00 UTC access_id: p-x');
    expect(utc.naive).toBe(false);
    expect(formatEventTime(parsed('2026-03-03T10:00:00+02:00 access_id: p-x').time)).toBe('2026-03-03T08:00:00Z');
  });

  it('syslog wrapping: the first timestamp followed by a key starts the event', () => {
    const rfc5424 = parsed(`<134>1 2026-03-03T08:00:09Z gw-1 akeyless-gw - - - ${SPEC_LINE}`);
    expect(formatEventTime(rfc5424.time)).toBe('2026-03-03T08:00:00Z');
    expect(rfc5424.record['access_id']).toBe('p-mcidcla45c0cam');
    const bsd = parsed(`Mar  3 08:00:09 gw-1 akeyless[812]: ${SPEC_LINE}`);
    expect(bsd.record['unique_id']).toBe('alice@example.com');
  });

  it('impossible dates are an invalid timestamp, lines without a keyed timestamp are not text', () => {
    expect(parseTextEvent('2026-02-30T08:00:00Z access_id: p-x')).toBe('invalid-timestamp');
    expect(parseTextEvent('2026-02-03T08:00:00Z hello world')).toBeNull();
    expect(parseTextEvent('access_id: p-x status: 200')).toBeNull();
  });
});

describe('line classification (§3.1)', () => {
  it('JSON, prefixed JSON, text and malformed forms', () => {
    expect(classifyLine('{"timestamp":"2026-02-02T10:00:00Z","access_id":"p-x"}').kind).toBe('json');
    expect(classifyLine('<14>May 20 08:00:00 gw {"time":"2026-02-02T10:00:00Z","access_id":"p-x"}').kind).toBe('json');
    expect(classifyLine(SPEC_LINE).kind).toBe('text');
    expect(classifyLine('<134>1 2026-03-03T08:00:00Z gw CEF:0|Akeyless|GW|1|1|x|3|a=b')).toMatchObject({ reason: 'unsupported format (CEF)' });
    expect(classifyLine('hello')).toMatchObject({ kind: 'malformed', reason: 'unrecognised line' });
  });

  it('text line ending in a JSON value stays text (interpretation of §3.1 rule 2 vs 3)', () => {
    const c = classifyLine('2026-02-03T09:21:40Z access_id: p-abcdefg12345 status: 200 access_type: k8s client_sub_claims: {"config_name":["gke"],"namespace":["payments"]}');
    expect(c.kind).toBe('text');
    if (c.kind === 'text') expect(c.record['client_sub_claims']).toEqual({ config_name: ['gke'], namespace: ['payments'] });
  });
});

describe('looksLikeAkeyless (detection helper for src/detect.ts)', () => {
  it('recognises JSON lines, JSON arrays and text events; rejects Vault and other logs', () => {
    expect(looksLikeAkeyless('{"timestamp":"2026-02-02T10:00:00Z","access_id":"p-x","status":200}\n')).toBe(true);
    expect(looksLikeAkeyless('\uFEFF[\n  {"time":"2026-02-02T10:00:00Z","account_id":"acc-1","access_id":"p-x"')).toBe(true);
    expect(looksLikeAkeyless(SPEC_LINE + '\n')).toBe(true);
    expect(looksLikeAkeyless(`<134>1 2026-03-03T08:00:09Z gw-1 akeyless-gw - - - ${SPEC_LINE}\n`)).toBe(true);
    expect(looksLikeAkeyless('{"time":"2026-02-02T10:00:00Z","type":"request","auth":{},"request":{"id":"x"}}\n')).toBe(false);
    expect(looksLikeAkeyless('Mar 3 08:00:00 host sshd[1]: Accepted publickey for root\n')).toBe(false);
    expect(looksLikeAkeyless('')).toBe(false);
  });
});

describe('nextKey (§3.3 rule 2) finds keys from their colons', () => {
  // The rule as first written: walk word starts left to right, take the first `[a-z][a-z0-9_]*:`
  // followed by whitespace or the end.
  const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;
  const isKeyStart = (c: number): boolean => c >= 97 && c <= 122;
  const isKeyChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
  function byWordStarts(s: string, from: number): [number, number] | null {
    const n = s.length;
    let i = from;
    while (i < n) {
      if (i > 0 && !isSpace(s.charCodeAt(i - 1))) {
        while (i < n && !isSpace(s.charCodeAt(i))) i++;
        while (i < n && isSpace(s.charCodeAt(i))) i++;
        continue;
      }
      if (isKeyStart(s.charCodeAt(i))) {
        let j = i + 1;
        while (j < n && isKeyChar(s.charCodeAt(j))) j++;
        if (j < n && s.charCodeAt(j) === 58 && (j + 1 === n || isSpace(s.charCodeAt(j + 1)))) return [i, j];
      }
      i++;
    }
    return null;
  }
  it('agrees with a scan of word starts on 100,000 random lines, from every kind of position', () => {
    // Characters and fragments that make and break keys: key characters, other letters, colons,
    // the spaces the rule knows (NBSP included), and whole `key: ` pairs.
    const alphabet = ['a', 'k', 'z', '0', '9', '_', 'A', ':', ':', ' ', ' ', '\t', '\u00a0', '-', '/', '{', '"', 'x',
      'access_id: ', 'k9: ', 'a:b', 'Ab: ', '_x: ', 'url: http://h:80 '];
    const rnd = mulberry32(61);
    let found = 0;
    for (let t = 0; t < 100_000; t++) {
      let s = '';
      const len = Math.floor(rnd() * 30);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const from = Math.floor(rnd() * (len + 1));
      const want = byWordStarts(s, from);
      if (want !== null) found++;
      expect(nextKey(s, from), JSON.stringify([s, from])).toEqual(want);
    }
    expect(found).toBeGreaterThan(30_000);
  });
  it('parseKeyValues gives the records of slicing at every key found that way, keys that collide in its key cache included', () => {
    // parseKeyValues as first written, on byWordStarts and plain slices.
    function reference(body: string): Record<string, unknown> {
      const rec: Record<string, unknown> = {};
      let m = byWordStarts(body, 0);
      while (m !== null) {
        const key = body.slice(m[0], m[1]);
        let valueStart = m[1] + 1;
        while (valueStart < body.length && isSpace(body.charCodeAt(valueStart))) valueStart++;
        const next = byWordStarts(body, valueStart);
        const value = body.slice(valueStart, next === null ? body.length : next[0]).trim();
        if (!(key in rec)) rec[key] = value;
        m = next;
      }
      return rec;
    }
    // Same length, first and last character (one cache slot): each must still be its own key.
    const keys = ['ab_b', 'axxb', 'a9zb', 'access_id', 'account_id', 'k', 'kk', 'status', 'sxxxxs'];
    const rnd = mulberry32(67);
    for (let t = 0; t < 20_000; t++) {
      const parts: string[] = [];
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) {
        const value = ['x', 'a b', 'http://h:80/p', '', 'v: w', '-'][Math.floor(rnd() * 6)]!;
        parts.push(`${keys[Math.floor(rnd() * keys.length)]!}: ${value}`);
      }
      const body = parts.join(rnd() < 0.5 ? ' ' : '  ');
      const got = parseKeyValues(body);
      const want = reference(body);
      expect(Object.keys(got), body).toEqual(Object.keys(want));
      expect(got, body).toEqual(want);
    }
  });
});
