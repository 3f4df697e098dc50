/**
 * @module Everything the demo site knows about OnePass: the `/access` link, the server-side code
 * exchange with the publisher key, and offline verification with the public SDK. Nothing else.
 */
import { createEntitlementVerifier, type EntitlementVerifier } from '@onepass/verify';

export interface OnePassOptions {
  /** The service's public URL, which is also the tokens' issuer (e.g. `http://127.0.0.1:8787`). */
  onepassUrl: string;
  publisherId: string;
  /** The publisher API key (`ppk_…`): a secret, used only server-side, for the exchange. */
  apiKey: string;
  fetch?: typeof fetch;
  /** The clock, epoch milliseconds (tests move it to let tokens expire). */
  now?: () => number;
}

export type ExchangeResult =
  | { kind: 'token'; token: string }
  | { kind: 'not_entitled' }
  /** Spent, expired or forged code, or OnePass unreachable: show the free preview. */
  | { kind: 'refused' };

export interface OnePass {
  verifier: EntitlementVerifier;
  /** The link to OnePass for this page; OnePass sends the reader back to `returnTo`. */
  accessUrl(returnTo: string, extra?: { prompt?: 'none'; screen?: 'signin'; article?: string }): string;
  /** Where "sign out" goes after the site has dropped its own token: OnePass ends its session too. */
  logoutUrl(returnTo: string): string;
  exchange(code: string): Promise<ExchangeResult>;
  /** Tells OnePass a reader read an article (what payouts are split by); never throws. */
  reportRead(token: string, article: { id: string; title: string; url: string }): Promise<void>;
}

export function createOnePass(options: OnePassOptions): OnePass {
  const base = options.onepassUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const verifier = createEntitlementVerifier({
    issuer: base,
    publisherId: options.publisherId,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    verifier,
    accessUrl(returnTo, extra = {}) {
      const query = new URLSearchParams({ publisher: options.publisherId, return_to: returnTo });
      if (extra.prompt) query.set('prompt', extra.prompt);
      if (extra.screen) query.set('screen', extra.screen);
      // Asking for one article lets a reader without a membership read it on the OnePass meter.
      if (extra.article) query.set('article', extra.article);
      return `${base}/access?${query.toString()}`;
    },
    logoutUrl(returnTo) {
      const query = new URLSearchParams({ publisher: options.publisherId, return_to: returnTo });
      return `${base}/logout?${query.toString()}`;
    },
    async reportRead(token, article) {
      try {
        const res = await doFetch(`${base}/v1/reads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token, article }),
        });
        if (res.status !== 202) console.error(`OnePass refused a read: ${res.status} ${await res.text()}`);
        else await res.body?.cancel();
      } catch (error) {
        console.error(
          `OnePass read report failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    async exchange(code) {
      let res: Response;
      try {
        res = await doFetch(`${base}/v1/access/exchange`, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        });
      } catch (error) {
        console.error(`OnePass exchange failed: ${error instanceof Error ? error.message : String(error)}`);
        return { kind: 'refused' };
      }
      if (res.status === 200) {
        const body = (await res.json()) as { token?: unknown };
        return typeof body.token === 'string' ? { kind: 'token', token: body.token } : { kind: 'refused' };
      }
      if (res.status === 402) return { kind: 'not_entitled' };
      // 401 means our own key is wrong (rotated?): an operator must hear about it.
      if (res.status === 401) console.error('OnePass refused the publisher API key (PUBLISHER_API_KEY).');
      return { kind: 'refused' };
    },
  };
}
