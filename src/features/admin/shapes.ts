/** @module JSON shapes of the admin metrics. */
import { z } from '@hono/zod-openapi';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../domain/membership';

const count = z.number().int();

export const MetricsSchema = z
  .object({
    from: z.string().openapi({ example: '2026-11-01' }),
    to: z.string().openapi({ example: '2026-11-30' }),
    members: z
      .object(
        Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, count])) as Record<
          MembershipStatus,
          typeof count
        >,
      )
      .openapi({ description: 'Live members by the status shown now.' }),
    trials_started: count.openapi({ description: 'Readers who signed up in the period with a free trial.' }),
    trials_converted: count.openapi({ description: 'Of those, readers who have subscribed through Stripe.' }),
    conversion_rate: z
      .number()
      .nullable()
      .openapi({ description: 'trials_converted / trials_started (4 decimals); null without trials.' }),
    churned: count.openapi({ description: 'Paid memberships that ended in the period and are still ended.' }),
    active_paying: count.openapi({
      description: 'Members paying now: `active`, or `past_due` within grace.',
    }),
    gifts: z
      .object({
        sold: count.openapi({ description: 'Gifts paid in the period.' }),
        redeemed: count.openapi({ description: 'Gifts redeemed in the period.' }),
        voided: count.openapi({ description: 'Gifts refunded before redemption in the period.' }),
        live_members: count.openapi({ description: 'Readers whose membership is a gift now.' }),
      })
      .openapi({ description: 'Gifts of membership (also counted as `comped` in `members`).' }),
  })
  .openapi('Metrics');
