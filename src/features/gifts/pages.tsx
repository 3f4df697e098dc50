/** @module Gift pages: `/gift` (buy), `/gift/thanks` (the buyer's link), `/gift/redeem/{token}` (redeem, new or existing account). */
import { OpenAPIHono } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app/env';
import { gifts } from '../../db/schema';
import { formatAmount } from '../../domain/currency';
import { giftAmount, isGiftMonths } from '../../domain/gifts';
import { csrfToken } from '../../http/csrf';
import { planPrices, readerCountry } from '../billing';
import type { FormErrors } from '../pages';
import { attempt, formLimit, loginFor, renderPage, showError, stripeOrigins, submitted } from '../pages';
import { type Authenticated, optionalReader } from '../readers';
import { buyGift, listBoughtGifts } from './buy';
import { redeemUrl } from './links';
import { previewGift, redeemGift } from './redeem';
import { GiftBuyView, type GiftOption, GiftRedeemView, GiftThanksView } from './views';

export const giftPages = new OpenAPIHono<AppEnv>();

const THANKS_WAIT_MS = 8000;
const THANKS_POLL_MS = 400;

/** The pages' form size limit, looked up per request: billing's webhook handlers import this feature, and billing is imported by the pages. */
const limitForm: MiddlewareHandler<AppEnv> = (c, next) => formLimit(c, next);

async function showBuy(
  c: Context<AppEnv>,
  who: Authenticated,
  values: Record<string, string> = {},
  errors?: FormErrors,
  status: 200 | 400 | 409 | 503 = 200,
) {
  const ctx = c.get('ctx');
  let options: GiftOption[] = [];
  let currency: string | null = null;
  try {
    const prices = await planPrices(ctx, { country: readerCountry(c, ctx) });
    const [monthly, annual] = prices.plans;
    currency = prices.currency;
    if (monthly && annual) {
      options = ([1, 3, 12] as const).map((months) => ({
        months,
        display: formatAmount(
          giftAmount(months, { monthly: monthly.amount, annual: annual.amount }),
          prices.currency,
        ),
      }));
    }
  } catch {
    return showError(c, 503, {
      title: 'Gifts are not available right now',
      message: 'Please try again in a moment.',
    });
  }
  const csrf = await csrfToken(c, 'gift', who.sessionId);
  const bought = await listBoughtGifts({ ctx, principal: who, input: undefined });
  return renderPage(
    c,
    <GiftBuyView
      csrf={csrf}
      options={options}
      currency={currency}
      values={values}
      errors={errors}
      bought={bought}
    />,
    {
      status,
      formTargets: stripeOrigins(ctx.config),
    },
  );
}

giftPages.get('/gift', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/gift'), 303);
  return showBuy(c, who);
});

giftPages.post('/gift', limitForm, async (c) => {
  const form = await submitted(c, 'gift');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/gift'), 303);
  const who = form.who;
  const f = form.fields;
  const months = Number(f.months);
  const errors: FormErrors = {};
  if (!isGiftMonths(months)) errors['months-1'] = 'Choose how long';
  const email = (f.recipient_email ?? '').trim();
  if (!/^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(email) || email.length > 254)
    errors.recipient_email = 'Enter their email address, like name@example.com';
  if ((f.recipient_name ?? '').length > 100) errors.recipient_name = 'At most 100 characters';
  if ((f.message ?? '').length > 500) errors.message = 'At most 500 characters';
  if (Object.keys(errors).length > 0 || !isGiftMonths(months)) return showBuy(c, who, f, errors, 400);
  const currency = /^[a-z]{3}$/.test(f.currency ?? '') ? f.currency : undefined;
  const result = await attempt(c, () =>
    buyGift({
      ctx: c.get('ctx'),
      principal: { ...who, requestId: c.get('requestId') },
      input: {
        months,
        recipientEmail: email,
        recipientName: f.recipient_name?.trim() || undefined,
        message: f.message?.trim() || undefined,
        currency,
      },
    }),
  );
  if (!result.ok) return showBuy(c, who, f, { form: result.message }, result.status === 409 ? 409 : 503);
  return c.redirect(result.value.url, 303);
});

giftPages.get('/gift/thanks', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account'), 303);
  const ctx = c.get('ctx');
  const mine = and(eq(gifts.id, c.req.query('gift') ?? ''), eq(gifts.buyerReaderId, who.reader.id));
  // Stripe's webhook follows the redirect closely: wait for it briefly, as the subscribe success page does.
  const deadline = Date.now() + THANKS_WAIT_MS;
  let [gift] = await ctx.db.select().from(gifts).where(mine).limit(1);
  while (gift?.status === 'pending' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, THANKS_POLL_MS));
    [gift] = await ctx.db.select().from(gifts).where(mine).limit(1);
  }
  if (!gift) return showError(c, 404, { title: 'No such gift', message: 'This gift is not one of yours.' });
  const link =
    gift.status === 'paid' || gift.status === 'redeemed' ? await redeemUrl(ctx.config, gift.id) : null;
  return renderPage(c, <GiftThanksView link={link} months={gift.months} to={gift.recipientEmail} />);
});

async function showRedeem(c: Context<AppEnv>, token: string, error?: string, status: 200 | 409 = 200) {
  const who = await optionalReader(c);
  const shown = await attempt(c, () => previewGift({ ctx: c.get('ctx'), input: { token } }));
  if (!shown.ok)
    return showError(c, 404, { title: 'No such gift', message: 'There is no gift at this link.' });
  const path = `/gift/redeem/${token}`;
  return renderPage(
    c,
    <GiftRedeemView
      months={shown.value.months}
      from={shown.value.from}
      message={shown.value.message}
      status={shown.value.status}
      csrf={who ? await csrfToken(c, 'gift-redeem', who.sessionId) : null}
      action={path}
      signInHref={loginFor(path)}
      signUpHref={`/signup?next=${encodeURIComponent(path)}`}
      error={error}
    />,
    { status },
  );
}

giftPages.get('/gift/redeem/:token', (c) => showRedeem(c, c.req.param('token')));

giftPages.post('/gift/redeem/:token', limitForm, async (c) => {
  const token = c.req.param('token');
  const form = await submitted(c, 'gift-redeem');
  if (form instanceof Response) return form;
  const who = form.who;
  if (!who) return c.redirect(loginFor(`/gift/redeem/${token}`), 303);
  const result = await attempt(c, () =>
    redeemGift({ ctx: c.get('ctx'), principal: { ...who, requestId: c.get('requestId') }, input: { token } }),
  );
  if (!result.ok) return showRedeem(c, token, result.message, 409);
  return c.redirect('/account', 303);
});
