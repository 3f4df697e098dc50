/** @module JSON shapes of reads: one reported read, a publisher's days, every publisher's totals. */
import { z } from '@hono/zod-openapi';
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
        unique_readers: count.openapi({ description: 'Distinct readers (pairwise ids) of this publisher.' }),
      }),
    ),
  })
  .openapi('ReadsReport');

export const PublisherReadsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    reads: z.number().int(),
    unique_readers: z.number().int(),
    days: z.array(z.object({ date: z.string(), reads: z.number().int(), unique_readers: z.number().int() })),
  })
  .openapi('PublisherReads');
