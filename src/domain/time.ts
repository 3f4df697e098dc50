/** @module Time in the two forms of the contract: RFC 3339 UTC in JSON, epoch seconds in tokens. */

/** `2026-12-11T22:50:00Z`: whole seconds, UTC, `Z`. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
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
