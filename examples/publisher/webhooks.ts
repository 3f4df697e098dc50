/**
 * @module The demo site's OnePass webhooks: `POST /onepass/webhooks`, verified with the SDK's
 * `verifyWebhook` against the endpoint's secret (ONEPASS_WEBHOOK_SECRET). On `entitlement.ended`
 * the reader's session here ends at once: the site keeps no session of its own but the
 * entitlement token in the reader's cookie, verified offline and good until it expires, so it
 * remembers when each `sub` ended and refuses (and clears) any token of that `sub` issued until then.
 * A site with several servers would keep this in its shared session store instead of in memory.
 */
import { verifyWebhook, type WebhookEvent, WebhookVerificationError } from '@onepass/verify';
import type { EntitlementVariables } from '@onepass/verify/hono';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';

export const WEBHOOK_PATH = '/onepass/webhooks';
/** Ends older than this are forgotten: every token issued before them has long expired (600 s by default). */
const REMEMBER_SECONDS = 86_400;

export interface WebhookOptions {
  /** The endpoint's signing secret (`whsec_…`); during a rotation, the new and the old one. Unset: webhooks are refused. */
  webhookSecret?: string | string[] | undefined;
  /** The clock, epoch milliseconds. */
  now?: () => number;
}

type Env = { Variables: EntitlementVariables };

export function webhookReceiver(
  options: WebhookOptions,
  cookies: { token: string; lapsed: string; lapsedMaxAge: number },
): { routes: Hono<Env>; endedSessions: MiddlewareHandler<Env> } {
  const now = options.now ?? Date.now;
  /** sub → the epoch second its entitlement ended. */
  const ended = new Map<string, number>();

  function end(sub: string, at: number): void {
    const seconds = Math.floor(now() / 1000);
    for (const [s, t] of ended) if (t < seconds - REMEMBER_SECONDS) ended.delete(s);
    ended.set(sub, Math.max(at, ended.get(sub) ?? 0));
  }

  const routes = new Hono<Env>();
  routes.post(WEBHOOK_PATH, bodyLimit({ maxSize: 64 * 1024 }), async (c) => {
    const secret = options.webhookSecret;
    if (!secret || secret.length === 0) {
      console.error('A OnePass webhook arrived, but ONEPASS_WEBHOOK_SECRET is not set.');
      return c.text('Webhooks are not configured here.', 503);
    }
    let event: WebhookEvent<{ sub?: unknown; reason?: unknown }>;
    try {
      event = await verifyWebhook(await c.req.text(), c.req.raw.headers, secret, {
        now: () => new Date(now()),
      });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return c.text(`Refused: ${error.code}`, 401);
    }
    if (event.type === 'entitlement.ended') {
      const sub = event.data.sub;
      if (typeof sub !== 'string') return c.text('entitlement.ended without a sub', 400);
      const at = Date.parse(event.timestamp);
      end(sub, Number.isFinite(at) ? Math.floor(at / 1000) : Math.floor(now() / 1000));
      console.log(
        `OnePass: the entitlement of ${sub} ended (${String(event.data.reason)}); its session here is over.`,
      );
    } else {
      console.log(`OnePass webhook ${event.type} (${event.id})`);
    }
    return c.body(null, 204);
  });

  // After the entitlement middleware: a token issued before its reader's end opens nothing any more.
  const endedSessions: MiddlewareHandler<Env> = async (c, next) => {
    const claims = c.var.entitlement;
    const endedAt = claims ? ended.get(claims.sub) : undefined;
    if (claims && endedAt !== undefined && claims.iat <= endedAt) {
      c.set('entitlement', null);
      deleteCookie(c, cookies.token, { path: '/' });
      const secure = new URL(c.req.url).protocol === 'https:';
      setCookie(c, cookies.lapsed, '1', {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        maxAge: cookies.lapsedMaxAge,
      });
    }
    return next();
  };

  return { routes, endedSessions };
}
