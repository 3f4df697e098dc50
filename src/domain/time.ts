/** @module Time in the two forms of the contract: RFC 3339 UTC in JSON, epoch seconds in tokens. */

const DAY_SECONDS = 86_400;
/** `00`…`59`: the two digits of an hour, minute or second. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** `2026-12-11T` by day number since the epoch: the date part, computed once per day seen. */
const dayPrefixes = new Map<number, string>();
const DAY_PREFIXES_MAX = 4096;

/**
 * `2026-12-11T22:50:00Z`: whole seconds, UTC, `Z`. The date part is formatted once per day and
 * kept (a list page formats many times of a few days; `toISOString` costs ~1 µs a call), the time of
 * day is arithmetic. Throws `RangeError` for an invalid date, as `toISOString` does.
 */
export function rfc3339(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / DAY_SECONDS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const iso = new Date(day * DAY_SECONDS * 1000).toISOString();
    prefix = iso.slice(0, iso.indexOf('T') + 1);
    if (dayPrefixes.size >= DAY_PREFIXES_MAX) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const of = seconds - day * DAY_SECONDS;
  const hours = Math.floor(of / 3600);
  const minutes = Math.floor((of % 3600) / 60);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[of % 60]}Z`;
}

export function rfc3339OrNull(date: Date | null): string | null {
  return date === null ? null : rfc3339(date);
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The clock truncated to whole seconds, the precision at which times are stored. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
