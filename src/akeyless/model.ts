// The finished Akeyless result handed to the renderers (src/report/akeyless-*.ts): the count JSON
// exactly as spec akeyless.md §7.1 lists it (snake_case keys in spec order), plus what only the
// text/CSV/clients outputs need. Decisions are all made in finish.ts; renderers only format.

export interface ProductRow { product: string; clients: number }
export interface AuthMethodRow { access_type: string; clients: number }
export interface AccessIdRow { access_id: string; access_type: string; clients: number }

export interface MonthJson {
  timestamp: string;
  counts: { clients: number };
  new_clients: { counts: { clients: number } };
  by_product: ProductRow[];
  by_auth_method: AuthMethodRow[];
}

export interface FileJson {
  path: string;
  format: string;
  lines: number;
  blank_lines: number;
  events: number;
  malformed: number;
  malformed_examples: { line: number; reason: string }[];
  truncated_last_line: boolean;
  first_time: string | null;
  last_time: string | null;
}

/** §7.1 [A4b]: key order is the contract. */
export interface AkeylessCountJson {
  platform: 'akeyless';
  start_time: string | null;
  end_time: string | null;
  total: { clients: number; monthly_sum: number };
  by_product: ProductRow[];
  by_auth_method: AuthMethodRow[];
  by_access_id: AccessIdRow[];
  months: MonthJson[];
  warnings: string[];
  inputs: {
    files: FileJson[];
    events: number;
    malformed: number;
    counted: number;
    out_of_range: number;
    excluded: { status: number; no_access_id: number };
    options: { from: string | null; to: string | null; merge_humans: boolean; strict: boolean };
  };
}

/** --quota N: monthly quota, annual = 12 N (§6.3: the annual figure is the sum of monthly counts). */
export interface QuotaJson {
  monthly: number;
  annual: number;
  /** Months (YYYY-MM) whose client count exceeds the monthly quota. */
  months_over: string[];
  annual_used: number;
  annual_over: boolean;
}

/** One row of the count CSV: clients of a month under one (product, access_type, access_id). */
export interface CountCsvRow {
  month: string;
  product: string;
  access_type: string;
  access_id: string;
  clients: number;
  new_clients: number;
}

/** One `clients` record (spec akeyless.md §2). Token ids never appear [B2]. */
export interface ClientRecord {
  client_id: string;
  product: string;
  access_id: string;
  access_type: string;
  /** Which identity rule applied: access_id, uid, k8s, comment, token, human ([A3]/[A5]). */
  identity: string;
  unique_id: string;
  config_name: string;
  namespace: string;
  comment: string;
  /** `token:` + 8 hex of SHA-256 of the 12-character token root, or "" (never the token id). */
  token: string;
  months: string[];
  first_seen: string;
  last_seen: string;
}

export interface AkeylessResultModel {
  count: AkeylessCountJson;
  quota: QuotaJson | null;
  /** Per-month access-id breakdown, parallel to count.months (text report only, §7.2). */
  monthAccessIds: AccessIdRow[][];
  csvRows: CountCsvRow[];
  clients: ClientRecord[];
  detected: boolean;
}
