/** @module The `from`/`to` query of every report (UTC days, both included), validated once. */
import { z } from '@hono/zod-openapi';
import { invalidRequest } from '../app/errors';
import { type DayRange, isUtcDay, resolveDayRange } from '../domain/days';

const Day = z.string().refine(isUtcDay, { error: 'Must be a real UTC day like 2026-11-30' });

export const DayRangeQuery = z.object({
  from: Day.optional().openapi({ example: '2026-11-01' }),
  to: Day.optional().openapi({ example: '2026-11-30' }),
});

/** The range asked for (defaults: the 30 days up to today), or 400 `invalid_request`. */
export function dayRangeOf(query: z.infer<typeof DayRangeQuery>, now: Date, maxDays: number): DayRange {
  const range = resolveDayRange(query, now, { maxDays, defaultDays: 30 });
  if ('field' in range) throw invalidRequest([{ path: range.field, message: range.message }]);
  return range;
}
