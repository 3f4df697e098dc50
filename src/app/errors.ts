/**
 * @module One error shape: RFC 9457 problem+json with a stable `code`, built here and nowhere else.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export const ERROR_CODES = {
  invalid_request: { status: 400, title: 'Invalid request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  not_entitled: { status: 402, title: 'Not entitled' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  email_taken: { status: 409, title: 'Email already registered' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  message: string;
}

/** An error meant for the client: its `detail` and extra fields are safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = ERROR_CODES[code].status;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  request_id: string;
  [extra: string]: unknown;
}

export function problemBody(error: ApiError, requestId: string, baseUrl: string): Problem {
  return {
    ...error.extra,
    type: `${baseUrl}/docs/errors#${error.code}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    request_id: requestId,
  };
}

/** The problem+json answer for an ApiError. */
export function problem(c: Context, error: ApiError): Response {
  const requestId = String(c.get('requestId') ?? 'unknown');
  const baseUrl = String(c.get('publicUrl') ?? '');
  const body = JSON.stringify(problemBody(error, requestId, baseUrl));
  return new Response(body, {
    status: error.status,
    headers: { 'content-type': 'application/problem+json', ...error.headers },
  });
}

export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

export function invalidRequest(errors: FieldError[], detail = 'The request failed validation.'): ApiError {
  return new ApiError('invalid_request', detail, { errors });
}

/** Maps anything thrown inside a request to the client answer, logging what the client must not see. */
export function toApiError(err: unknown, log: (fields: Record<string, unknown>) => void): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError('payload_too_large', 'The request body is too large.');
    if (err.status === 415) {
      return new ApiError('unsupported_media_type', 'Send the body as application/json.');
    }
    if (err.status === 400) {
      return invalidRequest(
        [{ path: '(body)', message: 'Malformed JSON' }],
        'The request body is not valid JSON.',
      );
    }
    if (err.status === 401) return new ApiError('unauthenticated', 'Authentication required.');
  }
  log({
    level: 'error',
    msg: 'unhandled error',
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  if (isDatabaseFailure(err)) {
    return new ApiError(
      'unavailable',
      'The database is not available right now. The request can be retried.',
    );
  }
  return new ApiError(
    'internal',
    'Something went wrong on our side. The request id identifies it in our logs.',
  );
}

/** D1 and libSQL failures: the dependency failed, not the request; the client may retry. */
function isDatabaseFailure(err: unknown): boolean {
  // Duck-typed: errors raised by the runtime's D1 binding may come from another realm than ours.
  if (typeof err !== 'object' || err === null) return false;
  const { name, message, cause } = err as {
    name?: unknown;
    message?: unknown;
    cause?: { message?: unknown };
  };
  const text = `${String(name)} ${String(message)} ${String(cause?.message ?? '')}`;
  return /D1_ERROR|SQLITE_|LibsqlError|libsql/i.test(text);
}
