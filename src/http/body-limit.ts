/** @module Request body limits: 413 `payload_too_large` before a handler reads an oversized body. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app/env';
import { ApiError, problem } from '../app/errors';

/** JSON endpoints (the contract): 64 KiB. */
export const JSON_BODY_LIMIT = 64 * 1024;
/** Webhooks (the contract): 1 MiB. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const tooLarge = (c: Context<AppEnv>) =>
  problem(
    c,
    new ApiError('payload_too_large', `The request body is larger than the limit for this endpoint.`),
  );

/**
 * Refuses bodies over `maxSize` with 413. A declared Content-Length (the HTTP parser holds the body
 * to it) is checked without touching the body, so the Node door keeps reading it on its fast path
 * instead of through a web stream; only a chunked body is counted as it streams in.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  // A refused stream is left unread: the connection must close with the answer, or a keep-alive
  // client would send its next request into the rest of this body and wait for ever.
  const streamed = bodyLimit({
    maxSize,
    onError: (c) => {
      const res = tooLarge(c);
      res.headers.set('Connection', 'close');
      return res;
    },
  });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (
      length !== undefined &&
      c.req.header('transfer-encoding') === undefined &&
      /^\d{1,15}$/.test(length)
    ) {
      return Number(length) > maxSize ? tooLarge(c) : next();
    }
    return streamed(c, next);
  };
}
