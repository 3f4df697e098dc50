/**
 * @module The hosted invoice page (`hosted_invoice_url`, `/invoice/:id`): what a customer opens from
 * the link Stripe (or the service) mails them. An open invoice can be paid there with the
 * customer's card; a card that asks for 3-D Secure is challenged on the page, and completing the
 * challenge (the default; `authenticate=false` abandons it) lets this one payment through, as
 * Stripe's page does for an `invoice.payment_action_required`.
 */

import { type Context, Hono } from 'hono';
import { payInvoice, requireCustomer } from '../billing';
import type { EmulatorContext } from '../context';
import { EmulatorApiError } from '../errors';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

function page(c: Context, title: string, body: string, status: 200 | 402 | 404 | 409 = 200): Response {
  return c.html(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
      `<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`,
    status,
  );
}

export function hostedInvoiceRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  const render = (c: Context, id: string, notice: string | null, status: 200 | 402 | 409 = 200) => {
    const rec = ctx.state.invoices.get(id);
    if (rec === undefined) return page(c, 'Invoice not found', '', 404);
    const invoice = rec.invoice;
    const amount = `${(invoice.amount_due / 100).toFixed(2)} ${invoice.currency.toUpperCase()}`;
    const form =
      invoice.status === 'open'
        ? `<form method="post" action="/invoice/${esc(id)}/pay">` +
          '<p>Your bank may ask you to confirm this payment (3-D Secure).</p>' +
          '<label><input type="checkbox" name="authenticate" value="true" checked> Complete authentication</label> ' +
          `<button type="submit">Pay ${esc(amount)}</button></form>`
        : '';
    return page(
      c,
      `Invoice ${invoice.number ?? invoice.id}`,
      `${notice ? `<p role="status">${esc(notice)}</p>` : ''}<p>Amount due: ${esc(amount)}</p>` +
        `<p>Status: <strong data-status="${esc(invoice.status ?? '')}">${esc(invoice.status ?? '')}</strong></p>${form}`,
      status,
    );
  };

  app.get('/invoice/:id', (c) => render(c, c.req.param('id'), null));

  app.post('/invoice/:id/pay', async (c) => {
    const id = c.req.param('id');
    const rec = ctx.state.invoices.get(id);
    if (rec === undefined) return page(c, 'Invoice not found', '', 404);
    if (rec.invoice.status !== 'open') return render(c, id, 'This invoice is not open.', 409);
    const body = await c.req.parseBody();
    const card = requireCustomer(ctx, String(rec.invoice.customer)).card;
    // The challenge completed on the page covers this one payment.
    if (card !== null && body.authenticate === 'true') card.authenticated = true;
    try {
      payInvoice(ctx, rec);
    } catch (err) {
      if (err instanceof EmulatorApiError) {
        return render(c, id, err.body.message, 402);
      }
      throw err;
    }
    return render(c, id, 'Thank you, the invoice is paid.');
  });

  return app;
}
