// Renders the Akeyless `clients` export (spec akeyless.md §2): one record per client with its
// product, assigned access id and type, identity parts, months active and first/last counted
// event. JSON lines (keys in ClientRecord order) or CSV (RFC 4180, `\n`, header always, months
// joined by spaces). Token ids never appear: the model carries only a hash of the root [B2].

import { stringify } from 'csv-stringify/sync';
import type { ClientRecord } from '../akeyless/model.js';
import type { ClientsFormat } from '../platform.js';

export const CLIENTS_CSV_COLUMNS = [
  'client_id', 'product', 'access_id', 'access_type', 'identity', 'unique_id', 'config_name', 'namespace',
  'comment', 'token', 'months', 'first_seen', 'last_seen',
] as const;

export function renderAkeylessClients(clients: readonly ClientRecord[], format: ClientsFormat): string {
  if (format === 'jsonl') return clients.map((c) => JSON.stringify(c) + '\n').join('');
  return stringify(
    clients.map((c) => CLIENTS_CSV_COLUMNS.map((k) => (k === 'months' ? c.months.join(' ') : c[k]))),
    { header: true, columns: [...CLIENTS_CSV_COLUMNS], record_delimiter: '\n' },
  );
}
