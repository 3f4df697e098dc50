/**
 * @module `/dev/inbox`: in development and tests, every mail the outbox holds, rendered as it is
 * sent, with its links clickable, on both doors (it reads the outbox, so it needs no mail provider
 * and no console). A 404 in production, where the links would be credentials on a page.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { desc } from 'drizzle-orm';
import type { AppEnv } from '../../app/env';
import { outbox } from '../../db/schema';
import { rfc3339 } from '../../domain/time';
import { textParts } from '../../lib/html';
import { renderMail } from '../mail';
import { renderPage } from './render';
import { showError } from './screens';
import { type InboxMail, InboxView } from './views/inbox';

export const inboxPage = new OpenAPIHono<AppEnv>();

inboxPage.get('/dev/inbox', async (c) => {
  const ctx = c.get('ctx');
  if (ctx.config.environment === 'production') {
    return showError(c, 404, { title: 'Page not found', message: 'There is no page at this address.' });
  }
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
