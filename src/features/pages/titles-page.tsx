/** @module The `/titles` page: the member publishers a membership opens, a page at a time. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { listPublishers } from '../publishers';
import { optionalReader } from '../readers';
import { renderPage } from './render';
import { TitlesView } from './views/titles';

export const titlesPage = new OpenAPIHono<AppEnv>();

const PAGE_SIZE = 24;

titlesPage.get('/titles', async (c) => {
  const page = await listPublishers({
    ctx: c.get('ctx'),
    input: { limit: PAGE_SIZE, cursor: c.req.query('cursor') },
  });
  const titles = page.data.map((p) => ({
    name: p.name,
    description: p.description,
    homepageUrl: p.homepageUrl,
    logoUrl: p.logoUrl,
  }));
  // Each logo's own origin, and nothing else, may serve an image to this page.
  const images = titles.flatMap((t) => (t.logoUrl ? [new URL(t.logoUrl).origin] : []));
  const signedIn = (await optionalReader(c)) !== null;
  return renderPage(c, <TitlesView titles={titles} next={page.nextCursor} signedIn={signedIn} />, { images });
});
