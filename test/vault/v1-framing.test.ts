// [V1] [B1] Input framing (spec vault.md §3.2-§3.5): prefixes, syslog headers, --prefix, CRLF, BOM,
// blank lines, huge lines, malformed reasons, truncated last lines, unknown entry types.
import { describe, it, expect } from 'vitest';
import { FileStats } from '../../src/ingest/file-stats.js';
import { LineSplitter } from '../../src/ingest/lines.js';
import { parseEventTime, formatEventTime } from '../../src/ingest/time.js';
import { run, runFiles, req, jsonl, counts, excluded } from '../support/vault.js';

const T = '2024-05-06T10:00:00Z';
const use = (token: string, time = T) => req({ time, token: `hmac-sha256:${token}`, policies: ['default', 'kv-read'], displayName: 'token' });
const KV_READ_ID = '6a/ng8AMEItXuB6Eqhpd8URTE9umJoL1MXG1sDdvavM=';

describe('V1 prefixes and syslog headers', () => {
  it('V1 text before the first { (file-device prefix, syslog header) is skipped', async () => {
    const e = JSON.stringify(use('a'));
    const r = await runFiles([
      `vault-audit: ${e}\nMay 20 08:00:00 vault-1 vault[812]: ${e}\n<134>1 2024-05-06T10:00:00Z host vault - - - ${e}\n${e}\n`,
    ]);
    expect(r.report.inputs.files[0].lines).toBe(4);
    expect(r.report.inputs.files[0].malformed).toBe(0);
    expect(r.report.inputs.requests.countable).toBe(4);
    expect(r.report.total).toEqual(counts(1, 0, 1));
  });

  it('V1 a line without any { is malformed "no JSON object on line"', async () => {
    const r = await runFiles([`--- rotated ---\n${JSON.stringify(use('a'))}\n`]);
    expect(r.report.inputs.files[0].malformed_examples).toEqual([{ line: 1, reason: 'no JSON object on line' }]);
    expect(r.report.inputs.requests.countable).toBe(1);
  });

  it('V1 --prefix strips an exact prefix that itself contains {, leading whitespace after it is allowed', async () => {
    const e = JSON.stringify(use('a'));
    const r = await runFiles([`{vault} ${e}\n{vault}${e}\n{vault}   \t${e}\nother ${e}\n${e}\n`], { prefix: '{vault}' });
    const f = r.report.inputs.files[0];
    expect(f.lines).toBe(5);
    expect(f.malformed).toBe(2);
    expect(f.malformed_examples).toEqual([
      { line: 4, reason: 'prefix not found' },
      { line: 5, reason: 'prefix not found' },
    ]);
    expect(r.report.inputs.requests.countable).toBe(3);
    expect(r.report.rules.prefix).toBe('{vault}');
  });

  it('V1 without --prefix a prefix containing { makes the line unparsable (invalid JSON)', async () => {
    const r = await runFiles([`{vault} ${JSON.stringify(use('a'))}\n`]);
    expect(r.report.inputs.files[0].malformed_examples).toEqual([{ line: 1, reason: 'invalid JSON' }]);
    expect(r.report.rules.prefix).toBeNull();
  });

  it('V1 --prefix: a remainder that is valid JSON but not an object is "not a JSON object"', async () => {
    const r = await runFiles([`P: [1,2]\nP: "x"\nP: ${JSON.stringify(use('a'))}\n`], { prefix: 'P:' });
    expect(r.report.inputs.files[0].malformed_examples).toEqual([
      { line: 1, reason: 'not a JSON object' },
      { line: 2, reason: 'not a JSON object' },
    ]);
    expect(r.report.inputs.requests.countable).toBe(1);
  });
});

describe('V1 line ends, BOM, blank lines', () => {
  it('V1 CRLF line ends are tolerated; CRLF blank lines are blank', async () => {
    const e = JSON.stringify(use('a'));
    const r = await runFiles([`${e}\r\n\r\n${JSON.stringify(use('b', '2024-05-06T10:00:01Z'))}\r\n`]);
    const f = r.report.inputs.files[0];
    expect([f.lines, f.blank_lines, f.malformed]).toEqual([3, 1, 0]);
    expect(r.report.inputs.requests.countable).toBe(2);
  });

  it('V1 a UTF-8 BOM at the start of the file is ignored', async () => {
    const r = await runFiles([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('P ' + jsonl([use('a')]))])], { prefix: 'P ' });
    // with --prefix the line must START with the prefix: only true once the BOM is dropped
    expect(r.report.inputs.files[0].malformed).toBe(0);
    expect(r.report.inputs.requests.countable).toBe(1);
  });

  it('V1 BOM + JSON-lines with default framing', async () => {
    const r = await runFiles([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl([use('a'), use('b')]))])]);
    expect(r.report.inputs.files[0].malformed).toBe(0);
    expect(r.report.inputs.requests.countable).toBe(2);
  });

  it('V1 empty and whitespace-only lines are blank: counted in lines and blank_lines, never malformed', async () => {
    const e = JSON.stringify(use('a'));
    const r = await runFiles([`\n   \n\t\n${e}\n \t \n\n`]);
    const f = r.report.inputs.files[0];
    expect(f).toMatchObject({ lines: 6, blank_lines: 5, malformed: 0, malformed_examples: [], truncated_last_line: false });
    expect(r.report.inputs.requests.countable).toBe(1);
  });

  it('V1 LineSplitter: identical lines whatever the chunking (CRLF and BOM across chunk boundaries)', () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n\r\n  \n{"b":2}\n{"c":3}\r\n{"d":')]);
    const collect = (chunkSize: number) => {
      const stats = new FileStats('x');
      const got: string[] = [];
      const sp = new LineSplitter({
        line: (buf, s, e, n, _off, unterminated) => got.push(`${n}:${buf.toString('utf8', s, e)}${unterminated ? '(u)' : ''}`),
        tooLong: (n) => got.push(`${n}:too long`),
      }, stats, { startOffset: 0, skipFirstLine: false, endOffset: Infinity });
      // the BOM is only looked for in the first chunk: keep it whole
      sp.push(text.subarray(0, Math.max(3, chunkSize)));
      for (let i = Math.max(3, chunkSize); i < text.length; i += chunkSize) sp.push(text.subarray(i, i + chunkSize));
      sp.end();
      return { got, lines: stats.data.lines, blank: stats.data.blankLines };
    };
    const expected = { got: ['1:{"a":1}', '4:{"b":2}', '5:{"c":3}', '6:{"d":(u)'], lines: 6, blank: 2 };
    for (const size of [1, 2, 3, 4, 5, 7, 11, 64]) expect(collect(size)).toEqual(expected);
  });
});

describe('V1 huge lines', () => {
  it('V1 a 20 MB audit entry is processed (no fixed cap below 256 MiB)', async () => {
    const big = req({ time: T, token: 'hmac-sha256:big', policies: ['default', 'kv-read'], extra: {} });
    (big.request as Record<string, unknown>).data = { blob: 'x'.repeat(20 * 1024 * 1024) };
    const r = await runFiles([jsonl([use('a', '2024-05-06T09:00:00Z'), big, use('c', '2024-05-06T11:00:00Z')])]);
    expect(r.report.inputs.files[0].malformed).toBe(0);
    expect(r.report.inputs.requests.countable).toBe(3);
    expect(r.report.total).toEqual(counts(1, 0, 1));
    expect(r.clients[0].client_id).toBe(KV_READ_ID);
    expect(r.countJsonText.length).toBeLessThan(100_000); // the body is never echoed
  }, 60_000);
});

describe('V1 B1 malformed lines (§3.4)', () => {
  it('V1 each malformed reason, 1-based line numbers, first 5 listed, warning names the first', async () => {
    const r = await runFiles([[
      'no json here',                                   // 1 no JSON object on line
      '{"time":"2024-05-06T10:00:00Z","type":',         // 2 invalid JSON
      '{"time":"2024-05-06T10:00:00Z"}',                // 3 missing type
      '{"time":"2024-05-06T10:00:00Z","type":5}',       // 4 missing type (not a string)
      '{"type":"request"}',                             // 5 missing or invalid time
      '{"type":"request","time":"2024-02-31T00:00:00Z"}', // 6 invalid date
      '{"type":"request","time":"2024-05-06T10:00:00"}',  // 7 no zone
      JSON.stringify(use('a')),                         // 8 ok
    ].join('\n') + '\n']);
    const f = r.report.inputs.files[0];
    expect(f.malformed).toBe(7);
    expect(f.malformed_examples).toEqual([
      { line: 1, reason: 'no JSON object on line' },
      { line: 2, reason: 'invalid JSON' },
      { line: 3, reason: 'missing type' },
      { line: 4, reason: 'missing type' },
      { line: 5, reason: 'missing or invalid time' },
    ]);
    expect(r.report.inputs.malformed).toBe(7);
    expect(r.report.warnings).toContain(`malformed-lines: ${r.paths[0]}: 7 malformed line(s); first at line 1 (no JSON object on line)`);
    expect(r.report.inputs.requests.countable).toBe(1);
    expect(r.report.inputs.entries.request).toBe(1);
  });

  it('V1 time accepts up to 9 fraction digits, numeric offsets, and is printed in UTC with trailing zeros removed', () => {
    expect(formatEventTime(parseEventTime('2024-05-06T10:16:40.500000000Z')!)).toBe('2024-05-06T10:16:40.5Z');
    expect(formatEventTime(parseEventTime('2024-05-06T10:16:40.123456789Z')!)).toBe('2024-05-06T10:16:40.123456789Z');
    expect(formatEventTime(parseEventTime('2024-05-06T12:16:40.000001+02:00')!)).toBe('2024-05-06T10:16:40.000001Z');
    expect(formatEventTime(parseEventTime('2024-05-06T10:16:40Z')!)).toBe('2024-05-06T10:16:40Z');
    expect(parseEventTime('2024-05-06T10:16:40.1234567891Z')).toBeNull();
    expect(parseEventTime('2024-13-01T00:00:00Z')).toBeNull();
    expect(parseEventTime('not a time')).toBeNull();
  });

  it('V1 a truncated last line (no newline, unparsable) is not malformed but warns', async () => {
    const r = await runFiles([jsonl([use('a')]) + '{"time":"2024-05-06T10:00:01Z","type":"requ']);
    const f = r.report.inputs.files[0];
    expect(f).toMatchObject({ lines: 2, malformed: 0, truncated_last_line: true });
    expect(r.report.warnings).toEqual([`truncated-last-line: ${r.paths[0]}`]);
  });

  it('V1 a complete last line without a newline is an ordinary entry', async () => {
    const r = await runFiles([JSON.stringify(use('a'))]);
    expect(r.report.inputs.files[0]).toMatchObject({ lines: 1, malformed: 0, truncated_last_line: false });
    expect(r.report.inputs.requests.countable).toBe(1);
  });

  it('V1 an unparsable line that is not last is malformed even without content after it', async () => {
    const r = await runFiles(['{"time":"2024-05-06T10:00:01Z","type":"requ\n']);
    expect(r.report.inputs.files[0]).toMatchObject({ malformed: 1, truncated_last_line: false });
  });

  it('V1 more than 5 malformed lines: count all, list 5', async () => {
    const r = await runFiles([Array.from({ length: 8 }, () => 'garbage').join('\n') + '\n']);
    const f = r.report.inputs.files[0];
    expect(f.malformed).toBe(8);
    expect(f.malformed_examples.map((x: any) => x.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('V1 malformed lines are counted per file with one warning per file', async () => {
    const r = await runFiles(['x\n' + jsonl([use('a')]), jsonl([use('b')]) + 'y\nz\n']);
    expect(r.report.inputs.files.map((f: any) => f.malformed)).toEqual([1, 2]);
    expect(r.report.warnings).toEqual([
      `malformed-lines: ${r.paths[0]}: 1 malformed line(s); first at line 1 (no JSON object on line)`,
      `malformed-lines: ${r.paths[1]}: 2 malformed line(s); first at line 2 (no JSON object on line)`,
    ]);
  });

  it('V1 unknown entry types are tallied as other with one warning', async () => {
    const r = await run([use('a'), { time: T, type: 'audit-test' }, { time: T, type: 'something' }]);
    expect(r.report.inputs.entries).toEqual({ request: 1, response: 0, 'kmip-request': 0, 'kmip-response': 0, other: 2 });
    expect(r.report.warnings).toEqual(['unknown-entry-type: 2 entries']);
    expect(r.report.inputs.requests).toEqual({ countable: 1, out_of_range: 0, excluded: excluded({}) });
  });

  it('V1 first_time/last_time per file are the earliest/latest entry times (any type), original fraction', async () => {
    const r = await run([use('a', '2024-05-06T10:00:00.120Z'), { time: '2024-05-01T00:00:00.000000001Z', type: 'response' }, use('b', '2024-05-07T00:00:00Z')]);
    expect(r.report.inputs.files[0].first_time).toBe('2024-05-01T00:00:00.000000001Z');
    expect(r.report.inputs.files[0].last_time).toBe('2024-05-07T00:00:00Z');
  });
});
