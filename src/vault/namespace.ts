// Namespace normalisation [V5] (spec vault.md §7.1): absent, {} or id "root" is the root namespace
// (id "root", path ""); a non-empty path ends with "/"; a path without id stands in for the id.

export interface Namespace {
  id: string;
  path: string;
}

export interface NormalisedNamespace extends Namespace {
  /** True when the entry had a path but no id (warning namespace-without-id). */
  withoutId: boolean;
}

const ROOT_RESULT: NormalisedNamespace = Object.freeze({ id: 'root', path: '', withoutId: false });

export function normaliseNamespace(raw: unknown): NormalisedNamespace {
  if (raw === null || typeof raw !== 'object') return ROOT_RESULT;
  const ns = raw as { id?: unknown; path?: unknown };
  const id = typeof ns.id === 'string' ? ns.id : '';
  let path = typeof ns.path === 'string' ? ns.path : '';
  if (id === 'root' || (id === '' && path === '')) return ROOT_RESULT;
  if (path !== '' && !path.endsWith('/')) path += '/';
  if (id === '') return { id: path, path, withoutId: true };
  return { id, path, withoutId: false };
}
