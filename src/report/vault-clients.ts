// Per-client export (spec vault.md §11 [V12]): JSON lines or CSV with exactly the export's fields
// in the export's order. Formatting only.

import type { ClientsFormat } from '../platform.js';
import type { ClientRecord } from '../vault/report-model.js';
import { toCsv } from './csv.js';

export const CLIENT_FIELDS = [
  'client_id', 'client_type', 'namespace_id', 'namespace_path', 'mount_accessor', 'mount_path', 'mount_type',
  'token_creation_time', 'client_first_usage_time',
] as const satisfies readonly (keyof ClientRecord)[];

export function renderVaultClients(records: readonly ClientRecord[], format: ClientsFormat): string {
  if (format === 'csv') return toCsv(CLIENT_FIELDS, records.map((r) => CLIENT_FIELDS.map((k) => r[k])));
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}
