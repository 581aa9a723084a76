// Expands command-line inputs into the ordered list of files to read (spec vault.md §3.1): files,
// directories (recursively, sorted by full path in code-unit order), fast-glob patterns, and `-`
// for standard input. The position of a file in the result is its *file index*, the second key of
// the processing order. Missing paths are fatal [B1]; a path given twice is read once, with a warning.

import fs from 'node:fs';
import path from 'node:path';
import type FastGlob from 'fast-glob';
import { InputError } from '../errors.js';
import { lazyRequire } from '../lazy-require.js';

/** Only glob patterns need it (~40 ms to import). */
const fg = lazyRequire<typeof FastGlob>('fast-glob');

export type Compression = 'none' | 'gzip' | 'zstd';

export interface InputFile {
  /** The path as the user wrote it (or as found below a directory they named); `-` for stdin. */
  path: string;
  index: number;
  /** Size on disk in bytes; null for stdin. */
  size: number | null;
  compression: Compression;
}

export interface ExpandedInputs {
  files: InputFile[];
  warnings: string[];
}

const GLOB_CHARS = /[*?[\]{}!]/;

function listDirectory(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      throw new InputError(`cannot read directory ${d}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        'check the path and its permissions');
    }
    for (const ent of entries) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) out.push(p);
      else if (ent.isSymbolicLink()) {
        const st = fs.statSync(p, { throwIfNoEntry: false });
        if (st?.isFile()) out.push(p);
        else if (st?.isDirectory()) walk(p);
      }
    }
  };
  walk(dir);
  // Code-unit order of the full path, as the spec fixes it (not locale order).
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Decides the compression of a file once, from its magic bytes (extension as a fallback). */
export function sniffCompression(head: Uint8Array, name: string): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length === 0 && /\.gz$/i.test(name)) return 'gzip';
  if (head.length === 0 && /\.zst$/i.test(name)) return 'zstd';
  return 'none';
}

function compressionOf(file: string): Compression {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot open ${file}: ${code === 'EACCES' ? 'permission denied' : code ?? String(e)}`,
      'check the file permissions');
  }
  try {
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    return sniffCompression(head.subarray(0, n), file);
  } finally {
    fs.closeSync(fd);
  }
}

export function expandInputs(args: readonly string[]): ExpandedInputs {
  const files: InputFile[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const add = (p: string, size: number | null): void => {
    const key = p === '-' ? '-' : path.resolve(p);
    if (seen.has(key)) {
      warnings.push(`duplicate-input: ${p} given more than once`);
      return;
    }
    seen.add(key);
    const compression = p === '-' ? 'none' : compressionOf(p);
    files.push({ path: p, index: files.length, size, compression });
  };
  for (const arg of args) {
    if (arg === '-') {
      add('-', null);
      continue;
    }
    const st = fs.statSync(arg, { throwIfNoEntry: false });
    if (st === undefined) {
      if (GLOB_CHARS.test(arg)) {
        const matches = fg().sync(arg, { onlyFiles: true, dot: false, followSymbolicLinks: true })
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (matches.length === 0) {
          throw new InputError(`no files match the pattern ${arg}`, 'check the pattern; quote it so the shell passes it unexpanded');
        }
        for (const m of matches) add(m, fs.statSync(m).size);
        continue;
      }
      throw new InputError(`no such file or directory: ${arg}`, 'check the path; directories are read recursively');
    }
    if (st.isDirectory()) {
      for (const f of listDirectory(arg)) add(f, fs.statSync(f).size);
    } else if (st.isFile()) {
      add(arg, st.size);
    } else {
      throw new InputError(`not a regular file or directory: ${arg}`, 'pass log files, directories of log files, or - for stdin');
    }
  }
  return { files, warnings };
}
