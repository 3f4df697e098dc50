/**
 * @module `/dev/inbox`: in development and tests, every mail the outbox holds, rendered as it is
 * sent, with its links clickable, on both doors (it reads the outbox, so it needs no mail provider
 * and no console). A 404 in production, where the links would be credentials on a page.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import type { AppEnv } from '../../app/env';
import { outbox } from '../../db/schema';
import { rfc3339 } from '../../domain/time';
import { textParts } from '../../lib/html';
import { renderMail } from '../mail';
import { renderPage } from './render';
import { showError } from './screens';
import { type InboxMail, InboxView } from './views/inbox';

export const inboxPage = new OpenAPIHono<AppEnv>();

const notFound = (c: Parameters<typeof showError>[0]) =>
  showError(c, 404, { title: 'Page not found', message: 'There is no page at this address.' });

inboxPage.get('/dev/inbox', async (c) => {
  const ctx = c.get('ctx');
  if (ctx.config.environment === 'production') return notFound(c);
  const rows = await ctx.db.select().from(outbox).orderBy(desc(outbox.createdAt), desc(outbox.id)).limit(50);
  const mails: InboxMail[] = [];
  for (const row of rows) {
    const base = {
      id: row.id,
      to: row.toAddress ?? '(deleted reader)',
      queuedAt: rfc3339(row.createdAt),
      status: row.status,
    };
    try {
      const mail = await renderMail(ctx.config, {
        id: row.id,
        to: base.to,
        template: row.template,
        payload: row.payload,
      });
      mails.push({ ...base, subject: mail.subject, parts: textParts(mail.text) });
    } catch (err) {
      mails.push({
        ...base,
        subject: `(${row.template}: cannot be rendered)`,
        parts: [{ text: String(err) }],
      });
    }
  }
  c.header('Cache-Control', 'no-store');
  return renderPage(c, <InboxView mails={mails} />);
});

// One mail's HTML part, exactly as a mail client gets it. Mail HTML is styled inline, so this page
// alone allows inline styles; it runs no script and loads nothing.
inboxPage.get('/dev/inbox/:id/html', async (c) => {
  const ctx = c.get('ctx');
  if (ctx.config.environment === 'production') return notFound(c);
  const [row] = await ctx.db
    .select()
    .from(outbox)
    .where(eq(outbox.id, c.req.param('id')))
    .limit(1);
  if (!row) return notFound(c);
  const mail = await renderMail(ctx.config, {
    id: row.id,
    to: row.toAddress ?? '',
    template: row.template,
    payload: row.payload,
  });
  c.header('Cache-Control', 'no-store');
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  return c.html(mail.html);
});
