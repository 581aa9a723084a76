// Recognises Akeyless audit output from the first bytes of a file, for the lead's auto-detection
// (src/detect.ts). Pure; the same classifier the collector uses decides text lines, so detection
// and parsing never disagree. Vault entries (`"type":"request"` …) are never Akeyless.

import { classifyLine } from './classify.js';
import { isPlainObject } from './fields.js';

const VAULT_TYPE = /"type"\s*:\s*"(?:request|response|kmip-request|kmip-response)"/;
const AKEYLESS_JSON_KEY = /"(?:access_id|account_id)"\s*:/;
const TIME_KEY = /"(?:timestamp|time)"\s*:/;
const MAX_LINES = 50;

function isAkeylessObject(v: Record<string, unknown>): boolean {
  return ('access_id' in v || 'account_id' in v) && ('timestamp' in v || 'time' in v) && !('type' in v && 'request' in v);
}

/** True when the head of a file holds Akeyless JSON events or text `timestamp key: value` events. */
export function looksLikeAkeyless(headText: string): boolean {
  const text = headText.replace(/^\uFEFF/, '');
  if (VAULT_TYPE.test(text)) return false;
  // A JSON array (possibly cut off by the head limit): look for the keys of an event object.
  if (text.trimStart().startsWith('[')) return AKEYLESS_JSON_KEY.test(text) && TIME_KEY.test(text);
  let seen = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (++seen > MAX_LINES) break;
    const c = classifyLine(line);
    if (c.kind === 'text' && ('access_id' in c.record || 'account_id' in c.record)) return true;
    if (c.kind === 'json' && isPlainObject(c.record) && isAkeylessObject(c.record)) return true;
  }
  // Pretty-printed JSON values or a cut first line: fall back to the key markers.
  return AKEYLESS_JSON_KEY.test(text) && TIME_KEY.test(text);
}
