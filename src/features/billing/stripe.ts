/**
 * @module The Stripe client, made from config (the SDK's platform HTTP client: node:http on Node,
 * fetch on Workers), and every call to Stripe through `callStripe`. `STRIPE_API_BASE` points it
 * elsewhere (the local emulator); with real keys and no override it talks to Stripe itself.
 */
import Stripe from 'stripe';
import type { Config } from '../../app/config';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { nodeCrypto } from '../../lib/node-crypto';
import { oncePer } from '../../lib/once-per';

/** One client per configuration. */
export const stripeFor = oncePer((config: Config): Stripe => {
  const base = config.stripe.apiBase;
  // The SDK's platform default: keep-alive `node:http` on Node (measured twice as fast per call as
  // its fetch client), fetch on Workers.
  return new Stripe(config.stripe.secretKey, {
    maxNetworkRetries: 2,
    timeout: config.stripe.timeoutMs,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
});

const subtleCrypto = Stripe.createSubtleCryptoProvider();

/**
 * Webhook signatures (HMAC-SHA256, hex) through synchronous `node:crypto` where the runtime has it
 * (Node; Workers with nodejs_compat), else WebCrypto: Stripe's WebCrypto provider imports the
 * secret again and goes through the thread pool for every event, which measured at a quarter of
 * a duplicate delivery's time.
 */
export const stripeCrypto: Stripe.CryptoProvider = {
  computeHMACSignature: (payload, secret) =>
    nodeHmacHex(payload, secret) ?? subtleCrypto.computeHMACSignature(payload, secret),
  computeHMACSignatureAsync: async (payload, secret) =>
    nodeHmacHex(payload, secret) ?? subtleCrypto.computeHMACSignatureAsync(payload, secret),
  computeSHA256Async: (data) => subtleCrypto.computeSHA256Async(data),
};

/** HMAC-SHA256 in hex through `node:crypto`; null where the runtime has none. */
function nodeHmacHex(payload: string, secret: string): string | null {
  return nodeCrypto()?.createHmac('sha256', secret).update(payload).digest('hex') ?? null;
}

function isStripeError(
  err: unknown,
): err is { type: string; statusCode?: number; message: string; code?: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    String((err as { type: unknown }).type).startsWith('Stripe')
  );
}

/**
 * Runs a Stripe call; any failure of Stripe (network, 5xx, rate limit, or a request Stripe refuses
 * because our configuration is wrong) becomes a 503 `unavailable` that the client may retry.
 * The detail is logged, never sent.
 */
export async function callStripe<T>(
  ctx: AppContext,
  what: string,
  fn: (stripe: Stripe) => Promise<T>,
): Promise<T> {
  try {
    return await withoutCallSiteStack(() => fn(stripeFor(ctx.config)));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    ctx.logger.error('stripe call failed', {
      call: what,
      stripe_error: isStripeError(err) ? err.type : 'unknown',
      status: isStripeError(err) ? err.statusCode : undefined,
      error: err instanceof Error ? err.message : String(err),
    });
    throw new ApiError('unavailable', 'Billing is unavailable right now. Please try again in a moment.');
  }
}

/**
 * Starts `start` with stack traces off while it runs synchronously. The SDK formats a stack trace
 * at the start of every request (stripe-node#2688), to append to an error it may report later;
 * the failures here are logged by call name and Stripe's own error, never by stack, and under
 * tsx's source maps that formatting measured about 35 µs a call on the Node door. Only the
 * synchronous start runs without stacks: an error thrown there has none (it is logged by its
 * message), while the request itself, and any error it ends in, keep theirs.
 */
function withoutCallSiteStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function isMissingResource(err: unknown): boolean {
  return isStripeError(err) && (err.statusCode === 404 || err.code === 'resource_missing');
}

/** As `callStripe`, but null when Stripe answers that an object of the call does not exist. */
export function callStripeUnlessMissing<T>(
  ctx: AppContext,
  what: string,
  fn: (stripe: Stripe) => Promise<T>,
): Promise<T | null> {
  return callStripe(ctx, what, async (stripe) => {
    try {
      return await fn(stripe);
    } catch (err) {
      if (isMissingResource(err)) return null;
      throw err;
    }
  });
}

export { Stripe };
