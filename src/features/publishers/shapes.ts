/** @module JSON shapes of publishers: an origin, the only form a publisher's allowed return address takes. */
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
