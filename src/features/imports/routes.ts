/** @module Admin API of imports: members from CSV rows (`/v1/admin/imports/members`) and from Stripe (`/v1/admin/imports/stripe`). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { IMPORT_STATUSES } from '../../domain/member-import';
import { adminSecurity, jsonBody, problemResponses } from '../../http/openapi';
import { adminPrincipal } from '../admin';
import { type ImportResult, importMembers, MAX_IMPORT_ROWS } from './members';
import { importStripePage } from './stripe';

const ResultSchema = z
  .object({
    ref: z
      .string()
      .openapi({ description: 'The row’s reference: its CSV line, or the Stripe subscription id.' }),
    email: z.string().nullable(),
    outcome: z.enum(['created', 'linked', 'skipped', 'invalid']),
    reason: z
      .string()
      .nullable()
      .openapi({ description: 'Why it was skipped or invalid (or that it was a dry run).' }),
    reader_id: z.string().nullable(),
  })
  .openapi('ImportResult');

const SummarySchema = z.object({
  created: z.number().int(),
  linked: z.number().int(),
  skipped: z.number().int(),
  invalid: z.number().int(),
});

function answer(results: ImportResult[]) {
  const summary = { created: 0, linked: 0, skipped: 0, invalid: 0 };
  for (const r of results) summary[r.outcome]++;
  return {
    results: results.map((r) => ({
      ref: r.ref,
      email: r.email,
      outcome: r.outcome,
      reason: r.reason,
      reader_id: r.readerId,
    })),
    summary,
  };
}

const RowSchema = z.object({
  ref: z.string().max(40).openapi({ example: 'line 2' }),
  email: z.string().max(320),
  status: z
    .string()
    .max(20)
    .openapi({ description: `One of ${IMPORT_STATUSES.join(', ')}.` }),
  plan: z.string().max(20).optional(),
  period_end: z.string().max(40).optional().openapi({ example: '2027-01-31' }),
  stripe_customer: z.string().max(255).optional().openapi({ example: 'cus_Q1w2e3r4' }),
});

const membersRoute = createRoute({
  method: 'post',
  path: '/v1/admin/imports/members',
  operationId: 'importMembers',
  tags: ['Admin'],
  security: adminSecurity,
  summary: 'Import members from rows of a CSV (at most 200 per call)',
  description:
    'Each row is checked, then its account is created (no password: the member signs in by mail; the free trial counts as used), ' +
    'linked (an existing account without a paying subscription takes the imported membership and customer) or skipped, with the reason. ' +
    'Re-running an import skips what it already did. `dry_run: true` decides every row and writes nothing. Each account written is audited (`member.import`). ' +
    'Status rules: `active` and `past_due` need `plan`, `period_end` and `stripe_customer`; `trialing`, `canceled` and `comped` need `period_end`. ' +
    'The admin CLI reads a CSV file with these columns: `npm run admin -- import members.csv --dry-run`.',
  request: {
    body: jsonBody(
      z
        .object({ rows: z.array(RowSchema).min(1).max(MAX_IMPORT_ROWS), dry_run: z.boolean().default(false) })
        .openapi('MemberImport'),
    ),
  },
  responses: {
    200: {
      description: 'What happened to each row, in order',
      content: {
        'application/json': { schema: z.object({ results: z.array(ResultSchema), summary: SummarySchema }) },
      },
    },
    ...problemResponses(400, 401, 403, 413, 415),
  },
});

const stripeRoute = createRoute({
  method: 'post',
  path: '/v1/admin/imports/stripe',
  operationId: 'importStripeSubscriptions',
  tags: ['Admin'],
  security: adminSecurity,
  summary: 'Import a page of the Stripe account’s existing subscriptions',
  description:
    'Subscriptions that entitle now (trialing, active, past due) on this service’s prices become members as a CSV row would; the rest are skipped with the reason. ' +
    'Call again with `starting_after: next` until `next` is null. `npm run admin -- import --from-stripe` does that with a progress bar.',
  request: {
    body: jsonBody(
      z
        .object({
          starting_after: z
            .string()
            .regex(/^sub_[A-Za-z0-9]{1,250}$/, {
              error: 'Must be a Stripe subscription id (sub_…), as `next` gave it',
            })
            .optional(),
          limit: z.number().int().min(1).max(100).default(100),
          dry_run: z.boolean().default(false),
        })
        .openapi('StripeImport'),
    ),
  },
  responses: {
    200: {
      description: 'What happened to each subscription of the page',
      content: {
        'application/json': {
          schema: z.object({
            results: z.array(ResultSchema),
            summary: SummarySchema,
            next: z.string().nullable(),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 413, 415, 503),
  },
});

export const importRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(membersRoute, async (c) => {
    const body = c.req.valid('json');
    const results = await importMembers({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: {
        rows: body.rows.map((r) => ({
          ref: r.ref,
          email: r.email,
          status: r.status,
          plan: r.plan,
          periodEnd: r.period_end,
          stripeCustomer: r.stripe_customer,
        })),
        dryRun: body.dry_run,
        source: 'csv',
      },
    });
    return c.json(answer(results), 200);
  })
  .openapi(stripeRoute, async (c) => {
    const body = c.req.valid('json');
    const page = await importStripePage({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { startingAfter: body.starting_after, limit: body.limit, dryRun: body.dry_run },
    });
    return c.json({ ...answer(page.results), next: page.next }, 200);
  });
