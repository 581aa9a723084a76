// CSV writing through csv-stringify: RFC 4180 quoting, `\n` line ends, values verbatim (no
// spreadsheet-formula neutralisation: client ids may legitimately begin with `+`, spec §11).

import { stringify } from 'csv-stringify/sync';

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean)[])[]): string {
  return stringify([header as string[], ...(rows as (string | number | boolean)[][])], {
    record_delimiter: '\n',
    // RFC 4180 (spec §11): CR must be quoted too; csv-stringify quotes only `,`, `"` and LF by default.
    quoted_match: /\r/,
    cast: { boolean: (v) => String(v) },
  });
}
