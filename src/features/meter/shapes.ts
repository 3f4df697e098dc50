/** @module The meter as JSON: `{used, allowance, resets_at}` in `GET /v1/me` and in a 402 once it is spent. */
import { z } from '@hono/zod-openapi';
import { rfc3339 } from '../../domain/time';
import { Timestamp } from '../../http/shapes';
import type { MeterStatus } from './meter';

export const MeterSchema = z
  .object({
    used: z
      .number()
      .int()
      .openapi({ description: 'Articles read free this month (UTC), across every publisher.' }),
    allowance: z.number().int().openapi({ description: '`METER_FREE_ARTICLES`: free articles a month.' }),
    resets_at: Timestamp.openapi({
      description: 'The start of the next month (UTC), when `used` is 0 again.',
    }),
  })
  .openapi('Meter');

export function presentMeter(meter: MeterStatus) {
  return { used: meter.used, allowance: meter.allowance, resets_at: rfc3339(meter.resetsAt) };
}
