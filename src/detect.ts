// Platform auto-detection (spec vault.md §2: "detected per input from the first entries"). Reads
// the first 64 KiB of each input (decompressed) and looks for each vendor's markers. Used only when
// --platform is not given; the report states that the platform was detected.

import { looksLikeAkeyless } from './akeyless/detect.js';
import { InputError } from './errors.js';
import type { InputFile } from './ingest/inputs.js';
import zlib from 'node:zlib';
import { sniffCompression } from './ingest/inputs.js';
import { openInput, peekStdin, plainHead } from './ingest/open.js';
import type { PlatformName } from './platform.js';

const HEAD_BYTES = 64 * 1024;
const VAULT_MARK = /"type"\s*:\s*"(?:request|response|kmip-request|kmip-response)"/;

export function classifyHead(text: string): PlatformName | null {
  if (VAULT_MARK.test(text)) return 'vault';
  // Akeyless's own line classifier decides, so detection and parsing never disagree.
  if (looksLikeAkeyless(text)) return 'akeyless';
  return null;
}

/** stdin's head, decompressed when it is gzip (a partial gzip stream inflates with a sync flush). */
async function stdinHeadText(): Promise<string> {
  const raw = await peekStdin(HEAD_BYTES);
  if (sniffCompression(raw.subarray(0, 4), '-') === 'gzip') {
    try {
      return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, HEAD_BYTES).toString('utf8');
    } catch {
      return '';
    }
  }
  return raw.toString('utf8');
}

async function headOf(file: InputFile): Promise<string> {
  if (file.path === '-') return stdinHeadText();
  if (file.compression === 'none') return plainHead(file.path, HEAD_BYTES).toString('utf8');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of openInput(file, null, () => {})) {
    chunks.push(chunk);
    n += chunk.length;
    if (n >= HEAD_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8');
}

/**
 * The platform of the inputs, from the head of each (stdin's head is kept for the real read).
 * Inputs with no recognisable entries (empty, or .zst on stdin) count as Vault.
 */
export async function detectPlatform(files: readonly InputFile[]): Promise<PlatformName> {
  const found = new Map<PlatformName, string>();
  for (const f of files) {
    let kind: PlatformName | null;
    try {
      kind = classifyHead(await headOf(f));
    } catch (e) {
      if (e instanceof InputError) throw e;
      kind = null;
    }
    if (kind !== null && !found.has(kind)) found.set(kind, f.path);
  }
  if (found.size > 1) {
    throw new InputError(
      `the inputs mix Vault and Akeyless logs (${found.get('vault')} looks like Vault, ${found.get('akeyless')} like Akeyless)`,
      'run once per platform, or pass --platform to read every input as one platform');
  }
  return found.keys().next().value ?? 'vault';
}
