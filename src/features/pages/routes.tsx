/**
 * @module Reader-facing HTML pages (hono/jsx), server-rendered and working without JavaScript: the
 * landing page, then one sub-app per flow. Every POST passes the CSRF checks before anything
 * changes, and errors are answered as pages, never as problem+json.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { optionalReader } from '../readers';
import { accountPages } from './account-pages';
import { addressPages } from './address-pages';
import { authPages } from './auth-pages';
import { emailPages } from './email-pages';
import { inboxPage } from './inbox-page';
import { passkeyPages } from './passkey-pages';
import { renderPage } from './render';
import { resetPages } from './reset-pages';
import { showFailure } from './screens';
import { subscribePages } from './subscribe-pages';
import { titlesPage } from './titles-page';
import { LandingView } from './views/site';

export const pageRoutes = new OpenAPIHono<AppEnv>();

pageRoutes.onError(showFailure);

pageRoutes.get('/', async (c) => {
  const who = await optionalReader(c);
  return renderPage(c, <LandingView signedIn={who !== null} trialDays={c.get('ctx').config.trialDays} />);
});

pageRoutes
  .route('/', authPages)
  .route('/', accountPages)
  .route('/', addressPages)
  .route('/', subscribePages)
  .route('/', resetPages)
  .route('/', emailPages)
  .route('/', inboxPage)
  .route('/', passkeyPages)
  .route('/', titlesPage);
