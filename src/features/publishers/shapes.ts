/** @module JSON shapes of publishers: an origin (the only form of an allowed return address), and the fields readers see on `/titles`. */
import { z } from '@hono/zod-openapi';

/** An origin (`https://news.example` or `http://localhost:3000`): scheme, host, port and nothing else. */
export const OriginSchema = z
  .string()
  .max(2048)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Must be an absolute URL like https://news.example' });
      return z.NEVER;
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
      ctx.addIssue({
        code: 'custom',
        message: 'Must be an origin: http(s)://host[:port], no path, query or credentials',
      });
      return z.NEVER;
    }
    return url.origin;
  })
  .openapi({ type: 'string', example: 'https://news.example' });

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A link or image shown to readers: an absolute https URL (http only on a loopback host, for development). */
const PublicUrlSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      const url = URL.parse(value);
      if (!url || url.username || url.password) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    },
    { error: 'Must be an absolute https URL' },
  )
  .openapi({ format: 'uri', example: 'https://news.example/' });

/** The `/titles` fields of a profile change: each optional, null clears it. */
export const TitleFieldsSchema = {
  description: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .nullable()
    .optional()
    .openapi({ description: 'What readers see on /titles: a sentence or two (at most 500 characters).' }),
  homepage_url: PublicUrlSchema.nullable().optional(),
  logo_url: PublicUrlSchema.nullable()
    .optional()
    .openapi({ description: 'A square image, shown 48 × 48 on /titles.' }),
};

/** The profile change of a request body, in the use-case's terms. */
export function titleFieldsOf(body: {
  description?: string | null | undefined;
  homepage_url?: string | null | undefined;
  logo_url?: string | null | undefined;
}) {
  return { description: body.description, homepageUrl: body.homepage_url, logoUrl: body.logo_url };
}
