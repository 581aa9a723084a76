// Lines the JSON projection is checked on (test/ingest/json-projection.test.ts,
// test/ingest/projection-stream.test.ts): every fixture line and hand-written adversarial cases, with
// the reference the projection must equal.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { INVALID, pruneToShape, type Shape } from '../../src/ingest/json-projection.js';
import { REPO_ROOT } from './cli.js';

/** Keys the text lacks read as undefined in a projection; JSON.parse never yields undefined. */
export function dropUndefined(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
  return out;
}

export function reference(text: string, shape: Shape): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return INVALID;
  }
  return pruneToShape(parsed, shape);
}

export function fixtureLines(): { file: string; line: Buffer }[] {
  const files = [
    'fixtures/demo/vault-demo.log',
    'fixtures/vault/audit.log',
    'fixtures/real/vault-public-samples.jsonl',
    'fixtures/real/activity-export.jsonl',
    'fixtures/akeyless/events.jsonl',
  ];
  const out: { file: string; line: Buffer }[] = [];
  for (const file of files) {
    const buf = fs.readFileSync(path.join(REPO_ROOT, file));
    let s = 0;
    while (s < buf.length) {
      let e = buf.indexOf(10, s);
      if (e < 0) e = buf.length;
      if (e > s) out.push({ file, line: buf.subarray(s, e) });
      s = e + 1;
    }
  }
  return out;
}

export const ADVERSARIAL: string[] = [
  // keys of the shape inside skipped subtrees, at other depths, and in arrays
  '{"request":{"data":{"path":"decoy","namespace":{"id":"x"}},"path":"real"},"type":"request","time":"t"}',
  '{"response":{"data":{"auth":{"client_token":"decoy"}},"auth":{"client_token":"real"}}}',
  '{"data":[{"type":"decoy"},{"time":"decoy"}],"type":"t"}',
  '{"a":[{"b":{"c":1}}],"s":"x"}',
  // escaped quotes, backslashes and unicode in values
  '{"type":"a\\"b","time":"c\\\\d","error":"line1\\nline2\\ttab\\u0026amp\\/"}',
  '{"s":"\\ud83d\\ude00 \\ud800 lone \\udfff","o":{"k":"\\u00fc"}}',
  '{"s":"raw ü é 日本 😀","o":{"ü":"key with raw utf-8"}}',
  '{"o":{"\\u00fc":"escaped key equals raw one"}}',
  // escaped keys at shape levels: t\u0079pe is "type"
  '{"t\\u0079pe":"request","time":"t"}',
  '{"auth":{"client_\\u0074oken":"x"}}',
  '{"request":{"data":{"\\u0070ath":"escaped key in a skipped subtree"},"path":"p"}}',
  // odd key order, duplicates (last wins), type changes between duplicates
  '{"time":"1","type":"a","time":"2","type":"b"}',
  '{"auth":{"client_token":"first"},"auth":{"accessor":"second"}}',
  '{"auth":{"client_token":"x"},"auth":"now a string"}',
  '{"auth":"a string","auth":{"client_token":"then an object"}}',
  '{"auth":[1,2],"request":null,"response":true}',
  '{"a":{"b":{"c":{"d":{"e":{"f":{"g":[1,{"h":2}]}}}}}},"a":{"x":5}}',
  // whitespace everywhere JSON allows it
  ' \t{ "type" :\t"request" ,\r"time" : "t" , "auth" : { "policies" : [ "a" , "b" ] } } \t ',
  '{\r\n"type":"x"}',
  // every number form and literal
  '{"n":-0,"arr":[0,1,-1,1.5,-1.5e10,1E+2,1e-2,123456789012345678901234567890,true,false,null]}',
  '{"n":1e400,"s":-1e-400}',
  // empty containers, deep nesting
  '{}', '{"a":{}}', '{"a":[]}', '{"o":{}}', '{"arr":[[],{},[[]]]}',
  '{"d":' + '['.repeat(5000) + ']'.repeat(5000) + ',"s":"after deep array"}',
  '{"d":' + '{"x":'.repeat(3000) + '1' + '}'.repeat(3000) + ',"s":"after deep object"}',
  // prototype-looking keys
  '{"__proto__":{"s":"x"},"constructor":"c","__proto__x":1}',
  '{"o":{"__proto__":"p","k":"v"}}',
  // non-object top-level values (the prefix path can hand these over)
  '[1,2]', '"str"', '123', 'null', 'true',
  // invalid JSON
  '', ' ', '{', '}', '{"a":1,}', '{"a":1 "b":2}', '{"a" 1}', '{a:1}', "{'a':1}", '{"a":01}', '{"a":1.}',
  '{"a":.5}', '{"a":-}', '{"a":1e}', '{"a":+1}', '{"a":tru}', '{"a":nul}', '{"a":falsey}', '{"a":"\\x"}',
  '{"a":"\\u12G4"}', '{"a":"\\u12"}', '{"a":"tab\there"}', '{"a":"nl\u0001"}', '{"a":1}x', '{"a":1}{"b":2}',
  '{"a":[1,2}', '{"a":{"b":1]}', '{"type":"request"', '{"type":"req', '{"type":"request","auth":{"client_token":"x"}',
  '\ufeff{"a":1}', '{"a":1}\u00a0', '{"a":"\u2028"}', '{"a":NaN}', '{"a":Infinity}', '{"a":[,1]}', '{"a":[1,,2]}',
  '{"a":1,"b"}', '{"":1}', '{"o":{"":2}}', '{"a":"\\"}', '{"a":"\\\\"}',
]
