/**
 * @module OpenAPI helpers shared by every route declaration: the problem responses, a JSON body,
 * the paging query and page shape, and the security requirements.
 */
import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    reason: z.string().optional(),
    subscribe_url: z.string().optional(),
  })
  .openapi('Problem');

export function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request',
    401: 'Not authenticated',
    402: 'Not entitled',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
    413: 'Payload too large',
    415: 'Unsupported media type',
    429: 'Rate limited',
    503: 'A dependency failed; safe to retry',
  };
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: descriptions[s] ?? 'Error',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  ) as {
    [K in S[number]]: {
      description: string;
      content: { 'application/problem+json': { schema: typeof ProblemSchema } };
    };
  };
}

/** The paging query of every list: `limit` 1–100 (default 20) and the opaque `cursor` of the previous page. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** The shape of every list: `{data, next_cursor}` (null on the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** A required JSON request body validated by `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true as const,
});

/*
 * The security requirements of the routes, declared once. Typed explicitly: an inferred `never[]`
 * here breaks zod-openapi's input inference. Public routes declare `publicSecurity` (`[]`), so that
 * the document says so instead of leaving it unsaid.
 */
export const publicSecurity: Record<string, string[]>[] = [];
export const readerSecurity: Record<string, string[]>[] = [{ session: [] }, { sessionCookie: [] }];
export const adminSecurity: Record<string, string[]>[] = [{ adminKey: [] }];
export const publisherSecurity: Record<string, string[]>[] = [{ publisherKey: [] }];
