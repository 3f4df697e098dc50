/** @module Rate limit settings: parsing `10/15m` or `10 per 15 min`, and the fixed-window arithmetic. */

export interface LimitRule {
  count: number;
  windowSeconds: number;
}

const UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
};

/**
 * `10/15m`, `10 per 15 min`, `50/1h`, `50 per hour`, `6000/60` (seconds). A count of 0 turns the
 * limit off. Returns null for anything else.
 */
export function parseLimit(text: string): LimitRule | null {
  const match = /^\s*(\d{1,9})\s*(?:\/|per)\s*(\d{1,9})?\s*([a-z]+)?\s*$/i.exec(text);
  if (!match?.[1]) return null;
  const amount = match[2] === undefined ? 1 : Number(match[2]);
  const unit = match[3] === undefined ? 1 : UNITS[match[3].toLowerCase()];
  if (unit === undefined || amount < 1) return null;
  if (match[2] === undefined && match[3] === undefined) return null;
  return { count: Number(match[1]), windowSeconds: amount * unit };
}

/** The window a moment falls in, and how long until it ends (the `Retry-After` of a refusal). */
export function windowOf(nowSeconds: number, windowSeconds: number): { start: number; retryAfter: number } {
  const start = nowSeconds - (nowSeconds % windowSeconds);
  return { start, retryAfter: Math.max(1, start + windowSeconds - nowSeconds) };
}
