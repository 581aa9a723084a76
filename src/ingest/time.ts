// Event time parsing and formatting at nanosecond precision (spec vault.md §3.5).
// A JavaScript Date holds milliseconds only, so a time is kept as (ms, subNs): epoch milliseconds
// plus the nanoseconds below the millisecond. Pure; imports nothing from vendors.

export interface EventTime {
  /** Epoch milliseconds, UTC. */
  ms: number;
  /** Nanoseconds below the millisecond, 0..999999: the tie-breaker a Date cannot hold. */
  subNs: number;
}

// Epoch ms of the day "YYYY-MM-DDT" last seen. Audit logs are time-ordered, so almost every line
// hits this one-entry cache and no Date arithmetic runs on the hot path. (A minute cache missed on
// a quarter of the lines of a sparse log: 2% of a run in the regex path.)
let cachedDayKey = '';
let cachedDayMs = 0;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an RFC 3339 time (fraction up to 9 digits, `Z` or a numeric offset).
 * `zoneOptional` accepts a missing zone (read as UTC) for formats that omit it (Akeyless text).
 * Returns null for anything else, including impossible dates such as 2024-02-31.
 */
export function parseEventTime(text: string, zoneOptional = false): EventTime | null {
  return (cachedDayKey !== '' && text.startsWith(cachedDayKey) && fastSameDay(text)) || parseFull(text, zoneOptional);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

const twoDigits = (text: string, at: number): number => {
  const a = text.charCodeAt(at), b = text.charCodeAt(at + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + (b - 48) : -1;
};

/**
 * Hot path for the shape Vault writes (`…THH:MM:SS[.fraction]Z`) inside the cached day: no regex,
 * no Date. Returns null for anything else, which then takes the full parse. Measured: the regex
 * path cost ~6% of a count run; this one is negligible.
 */
function fastSameDay(text: string): EventTime | null {
  const len = text.length;
  if (len < 20 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(len - 1) !== 90) return null;
  const h = twoDigits(text, 11), mi = twoDigits(text, 14), sec = twoDigits(text, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return null;
  let nanos = 0;
  if (len > 20) {
    if (text.charCodeAt(19) !== 46 || len - 21 > 9 || len - 21 < 1) return null;
    let scale = 100_000_000;
    for (let i = 20; i < len - 1; i++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) return null;
      nanos += (c - 48) * scale;
      scale /= 10;
    }
  }
  const ms = cachedDayMs + h * 3_600_000 + mi * 60_000 + sec * 1000 + Math.floor(nanos / 1e6);
  return { ms, subNs: nanos % 1e6 };
}

function parseFull(text: string, zoneOptional: boolean): EventTime | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const zone = m[8];
  if (zone === undefined && !zoneOptional) return null;
  const h = +m[4]!, mi = +m[5]!;
  if (h > 23 || mi > 59) return null;
  const dayKey = text.slice(0, 11);
  let dayMs: number;
  if (dayKey === cachedDayKey) {
    dayMs = cachedDayMs;
  } else {
    const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
    if (mo < 1 || mo > 12 || d < 1) return null;
    dayMs = Date.UTC(y, mo - 1, d);
    if (new Date(dayMs).getUTCDate() !== d) return null; // 2024-02-31 rolls over: reject
    // Only the `T` form is cached: the fast path checks fixed positions of that form.
    if (text.charCodeAt(10) === 84) {
      cachedDayKey = dayKey;
      cachedDayMs = dayMs;
    }
  }
  const minuteMs = dayMs + h * 3_600_000 + mi * 60_000;
  const sec = +m[6]!;
  if (sec > 60) return null;
  let ms = minuteMs + sec * 1000;
  let subNs = 0;
  const frac = m[7];
  if (frac !== undefined) {
    const nanos = +(frac + '000000000'.slice(frac.length));
    ms += Math.floor(nanos / 1e6);
    subNs = nanos % 1e6;
  }
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = +digits.slice(0, 2) * 60 + +digits.slice(2, 4);
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, subNs };
}

export function compareTimes(a: EventTime, b: EventTime): number {
  return a.ms - b.ms || a.subNs - b.subNs;
}

/** UTC RFC 3339 with the fraction's trailing zeros removed (how Vault prints times). */
export function formatEventTime(t: EventTime): string {
  const base = new Date(t.ms - (t.ms % 1000 + 1000) % 1000).toISOString().slice(0, 19);
  const msPart = ((t.ms % 1000) + 1000) % 1000;
  const nanos = msPart * 1e6 + t.subNs;
  if (nanos === 0) return base + 'Z';
  return base + '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') + 'Z';
}

let formatDay = NaN;
let formatDayPrefix = '';
const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** UTC RFC 3339 truncated to whole seconds. The date part is cached per day (called per token and usage). */
export function formatSeconds(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== formatDay) {
    formatDay = day;
    formatDayPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  const s = Math.floor((ms - day * 86_400_000) / 1000);
  // join() makes one flat string; `+` made a tree of 5 cons strings, and these are kept per token
  // (measured: 292k cons strings, 9 MB, after the 3 GB bench log).
  return [formatDayPrefix, pad2(Math.floor(s / 3600)), ':', pad2(Math.floor(s / 60) % 60), ':', pad2(s % 60), 'Z'].join('');
}

/**
 * Already what toUtcSeconds returns: `YYYY-MM-DDTHH:MM:SSZ`, a real date (1900 on), no leap second.
 * Most token issue times are in this form, and a regex and a Date per token were ~70 ms of a Vault
 * finish on the 1.1 GB bench log. Anything else takes the full parse (test: same result on every form).
 */
export function isUtcSeconds(s: string): boolean {
  if (s.length !== 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return false;
  const century = twoDigits(s, 0), yy = twoDigits(s, 2), mo = twoDigits(s, 5), d = twoDigits(s, 8);
  const h = twoDigits(s, 11), mi = twoDigits(s, 14), sec = twoDigits(s, 17);
  if (century < 19 || yy < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  const y = century * 100 + yy;
  const monthDays = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  return d <= monthDays;
}

/** An RFC 3339 time as UTC whole seconds (formatSeconds), '' when invalid; the text itself when already so. */
export function toUtcSeconds(text: string): string {
  if (isUtcSeconds(text)) return text;
  const t = parseEventTime(text);
  return t === null ? '' : formatSeconds(t.ms);
}
