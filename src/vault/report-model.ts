// The Vault count document (spec vault.md §10 [V11]) and export record (§11 [V12]) as types. Key
// order in these literals is the order the JSON is written in; finish.ts builds them in that order.

export interface Counts {
  clients: number;
  entity_clients: number;
  non_entity_clients: number;
  secret_syncs: number;
  acme_clients: number;
}

export interface MountCounts {
  mount_path: string;
  mount_type: string;
  counts: Counts;
}

export interface NamespaceCounts {
  namespace_id: string;
  namespace_path: string;
  counts: Counts;
  mounts: MountCounts[];
}

export interface VaultReport {
  start_time: string | null;
  end_time: string | null;
  by_namespace: NamespaceCounts[];
  months: {
    timestamp: string;
    counts: Counts;
    namespaces: NamespaceCounts[];
    new_clients: { counts: Counts; namespaces: NamespaceCounts[] };
  }[];
  total: Counts;
  kmip: { clients: number; entries_without_serial: number; months: { timestamp: string; clients: number; new_clients: number }[] };
  inputs: {
    files: {
      path: string;
      lines: number;
      blank_lines: number;
      entries: Record<string, number>;
      malformed: number;
      malformed_examples: { line: number; reason: string }[];
      truncated_last_line: boolean;
      first_time: string | null;
      last_time: string | null;
    }[];
    entries: Record<string, number>;
    malformed: number;
    requests: { countable: number; out_of_range: number; excluded: Record<string, number> };
    tokens_registered: number;
    attribution: { issuer: number; display_name: number; token_mount: number; unknown: number };
    /** Our addition: the logged-vs-computed client id consistency check. */
    client_id_check: { checked: number; mismatched: number };
  };
  warnings: string[];
  rules: {
    platform: 'vault';
    profile: string;
    billing_start_day: number;
    from: string | null;
    to: string | null;
    prefix: string | null;
    response_only: boolean;
    strict: boolean;
  };
}

export interface ClientRecord {
  client_id: string;
  client_type: string;
  namespace_id: string;
  namespace_path: string;
  mount_accessor: string;
  mount_path: string;
  mount_type: string;
  token_creation_time: string;
  client_first_usage_time: string;
}
