/** @module How a reader page is answered: HTML with its own Content-Security-Policy. */
import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from '../../app/config';
import type { AppEnv } from '../../app/env';
import { stylesheetHash } from './views/style';

/**
 * Nothing may run, load or frame: the only resource is the inline stylesheet, allowed by its
 * hash. `form-action` lists where a form may lead, redirects included (browsers check every hop),
 * so a form that ends at Stripe or back at a publisher names those origins.
 */
export async function pagePolicy(
  formTargets: readonly string[] = [],
  scripts = false,
  images: readonly string[] = [],
): Promise<string> {
  return [
    "default-src 'none'",
    `style-src ${await stylesheetHash()}`,
    // The passkey buttons: the service's own script, calling the service's own API.
    ...(scripts ? ["script-src 'self'", "connect-src 'self'"] : []),
    // Images only from the origins a page names (the publishers' logos on /titles).
    `img-src ${['data:', ...new Set(images)].join(' ')}`,
    `form-action ${["'self'", ...new Set(formTargets)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Where Checkout and the billing portal live: the configured Stripe (emulator) or Stripe itself. */
export function stripeOrigins(config: Config): string[] {
  return config.stripe.apiBase
    ? [config.stripe.apiBase.origin]
    : ['https://checkout.stripe.com', 'https://billing.stripe.com'];
}

export interface RenderOptions {
  status?: ContentfulStatusCode;
  formTargets?: readonly string[];
  /** The page runs the service's own script (the passkey buttons). */
  scripts?: boolean;
  /** Origins the page shows images from (the logos on /titles). */
  images?: readonly string[];
}

/** Renders a page. Every page is `no-store` (the default of the app): most carry personal data. */
export async function renderPage(
  c: Context<AppEnv>,
  page: JSX.Element,
  options: RenderOptions = {},
): Promise<Response> {
  c.header('Content-Security-Policy', await pagePolicy(options.formTargets, options.scripts, options.images));
  c.header('Cache-Control', 'no-store');
  return c.html(page, options.status ?? 200);
}
