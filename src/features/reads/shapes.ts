/** @module JSON shapes of reads: one reported read, a publisher's days, every publisher's totals. */
import { z } from '@hono/zod-openapi';
import { READ_REFUSALS } from '../../db/schema';
import { hasControlChars } from '../../domain/text';
import { TokenSchema } from '../tokens';

const count = z.number().int();

const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => !hasControlChars(v, true), { error: 'Must be printable text' });

const HttpUrlSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      if (hasControlChars(value) || /\s/.test(value)) return false;
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { error: 'Must be an absolute http(s) URL without credentials' },
  );

export const ReadSchema = z
  .object({
    token: TokenSchema,
    article: z.object({
      id: printable(256).openapi({ example: '2026-11-27-budget' }),
      title: printable(300).optional().openapi({ example: 'The budget, line by line' }),
      url: HttpUrlSchema.optional().openapi({ example: 'https://daily.example/2026/11/27/budget' }),
    }),
  })
  .openapi('Read');

export const ReadsReportSchema = z
  .object({
    from: z.string().openapi({ example: '2026-11-01' }),
    to: z.string().openapi({ example: '2026-11-30' }),
    reads: count,
    publishers: z.array(
      z.object({
        id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
        name: z.string(),
        reads: count,
        unique_readers: count.nullable().openapi({
          description:
            'Distinct readers (pairwise ids) of this publisher. Null when the range reaches past the days the ' +
            'service keeps every read of (READS_HOT_DAYS, with the reads ledger): reads stay exact, per day.',
        }),
        reads_per_reader: z.number().nullable().openapi({
          description:
            'reads / unique_readers (2 decimals): a share raised by few readers stands out. Null without reads, or when unique_readers is null.',
        }),
        refused: count.openapi({ description: 'Reads reported and not counted, all reasons.' }),
        refused_by_reason: z
          .object(
            Object.fromEntries(READ_REFUSALS.map((r) => [r, count])) as Record<
              (typeof READ_REFUSALS)[number],
              typeof count
            >,
          )
          .openapi({
            description:
              "`daily_allowance`: beyond a reader's daily allowance of reads through a token issued for no article; " +
              "`other_article`: a token issued for another article; `other_publisher`: another publisher's token; " +
              '`inactive_token`: an expired, revoked, forged or no longer entitled token.',
          }),
      }),
    ),
  })
  .openapi('ReadsReport');

export const ReadCountedSchema = z
  .object({
    counted: z.boolean(),
    reason: z
      .enum(['already_counted', 'daily_allowance'])
      .optional()
      .openapi({
        description:
          'Why a read was not counted: this reader, article and day is counted already, or the reader spent the ' +
          "day's allowance of reads through a token issued for no article (READS_UNBOUND_DAILY).",
      }),
  })
  .openapi('ReadCounted');

export const PublisherReadsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    reads: z.number().int(),
    unique_readers: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          'Distinct readers over the whole range. Null when the range reaches past the days the service keeps ' +
          "every read of (READS_HOT_DAYS, with the reads ledger): each day's figures stay exact.",
      }),
    days: z.array(z.object({ date: z.string(), reads: z.number().int(), unique_readers: z.number().int() })),
  })
  .openapi('PublisherReads');
