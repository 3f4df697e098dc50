/**
 * @module The operator console's payouts (list, make a month's statement, one statement with its
 * lines), the audit log (filtered by action or target, paged) and webhook health per publisher.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { MAX_PAYOUT_AMOUNT, MONTH_PATTERN } from '../../domain/payout';
import { listAuditLog } from '../audit';
import { attempt, showFailure } from '../pages';
import { createStatement, getStatement, listStatements } from '../payouts';
import { webhookHealth } from '../webhooks';
import { Input, money, Pager, type Shown, when } from './frame';
import { formToken, type OperatorSession, type PageContext, postedForm } from './gate';
import { operatorPage, withOperator } from './operator-frame';
import { AuditRows } from './operator-members';

export const operatorPages = new OpenAPIHono<AppEnv>();
operatorPages.onError(showFailure);

async function showPayouts(c: PageContext, s: OperatorSession, shown: Shown = {}) {
  const page = await listStatements({
    ctx: c.get('ctx'),
    principal: s.principal,
    input: { limit: 24, cursor: c.req.query('cursor') || undefined },
  });
  return operatorPage(c, s, {
    title: 'Payouts',
    current: '/admin/payouts',
    ...shown,
    children: (
      <>
        <table>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">
                Amount
              </th>
              <th scope="col" class="num">
                Reads
              </th>
              <th scope="col">Made</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((p) => (
              <tr>
                <td>
                  <a href={`/admin/payouts/${p.id}`}>
                    {p.month} {p.currency}
                  </a>
                </td>
                <td class="num">{money(p.amount, p.currency)}</td>
                <td class="num">{p.reads}</td>
                <td>{when(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.data.length === 0 ? <p class="muted">No statement yet.</p> : null}
        <Pager base="/admin/payouts" next={page.nextCursor} />
        {s.role === 'admin' ? (
          <form method="post" action="/admin/payouts" class="card inline">
            <input type="hidden" name="csrf" value={await formToken(c, '/admin/payouts', s.who)} />
            <Input id="month" label="Month" type="month" required hint="An ended month, like 2026-11" />
            <Input
              id="amount"
              label="Amount (minor units)"
              type="number"
              required
              hint="125000 = €1,250.00"
            />
            <Input id="currency" label="Currency" value="EUR" required />
            <button class="btn" type="submit">
              Make the statement
            </button>
          </form>
        ) : null}
      </>
    ),
  });
}

operatorPages.get('/admin/payouts', (c) => withOperator(c, (s) => showPayouts(c, s)));

operatorPages.post('/admin/payouts', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const month = (fields.month ?? '').trim();
    const amount = Number(fields.amount);
    const currency = (fields.currency ?? '').trim().toUpperCase();
    if (!MONTH_PATTERN.test(month)) return showPayouts(c, s, { error: 'Enter a month like 2026-11.' });
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_PAYOUT_AMOUNT)
      return showPayouts(c, s, { error: 'Enter the amount as a positive whole number of minor units.' });
    if (!/^[A-Z]{3}$/.test(currency))
      return showPayouts(c, s, { error: 'Enter an ISO 4217 currency, like EUR.' });
    const made = await attempt(c, () =>
      createStatement({ ctx: c.get('ctx'), principal: s.principal, input: { month, amount, currency } }),
    );
    if (!made.ok) return showPayouts(c, s, { error: made.message });
    return c.redirect(`/admin/payouts/${made.value.payout.id}`, 303);
  }),
);

operatorPages.get('/admin/payouts/:id', (c) =>
  withOperator(c, async (s) => {
    const { payout, lines } = await getStatement({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { id: c.req.param('id') },
    });
    return operatorPage(c, s, {
      title: `Statement ${payout.month} ${payout.currency}`,
      current: '/admin/payouts',
      children: (
        <>
          <dl class="status card">
            <dt>Amount</dt>
            <dd>{money(payout.amount, payout.currency)}</dd>
            <dt>Reads</dt>
            <dd>{payout.reads}</dd>
            <dt>Root</dt>
            <dd>
              <code>{payout.root ?? '—'}</code>
            </dd>
            <dt>Made</dt>
            <dd>
              {when(payout.createdAt)} by <code>{payout.createdBy}</code>
            </dd>
          </dl>
          <table>
            <thead>
              <tr>
                <th scope="col">Publisher</th>
                <th scope="col" class="num">
                  Reads
                </th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr>
                  <td>{l.publisherName}</td>
                  <td class="num">{l.reads}</td>
                  <td class="num">{money(l.amount, payout.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ),
    });
  }),
);

operatorPages.get('/admin/audit', (c) =>
  withOperator(c, async (s) => {
    const action = (c.req.query('action') ?? '').trim().slice(0, 100) || undefined;
    const target = (c.req.query('target') ?? '').trim().slice(0, 200) || undefined;
    const page = await listAuditLog({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { limit: 50, action, targetId: target, cursor: c.req.query('cursor') || undefined },
    });
    return operatorPage(c, s, {
      title: 'Audit log',
      current: '/admin/audit',
      children: (
        <>
          <form method="get" action="/admin/audit" class="card inline" aria-label="Filter the audit log">
            <Input id="action" label="Action" value={action} hint="e.g. member.comp" />
            <Input id="target" label="Target id" value={target} />
            <button class="btn" type="submit">
              Filter
            </button>
          </form>
          <AuditRows rows={page.data} />
          <Pager base="/admin/audit" query={{ action, target }} next={page.nextCursor} />
        </>
      ),
    });
  }),
);

operatorPages.get('/admin/webhooks', (c) =>
  withOperator(c, async (s) => {
    const health = await webhookHealth({ ctx: c.get('ctx'), input: {} });
    return operatorPage(c, s, {
      title: 'Webhook health',
      current: '/admin/webhooks',
      children: (
        <>
          <p class="muted">
            Per publisher with endpoints: how many are on and off (an endpoint failing for 3 days is disabled
            and its owners mailed), deliveries that failed an attempt in the last 24 hours, and deliveries
            waiting.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Publisher</th>
                <th scope="col" class="num">
                  Enabled
                </th>
                <th scope="col" class="num">
                  Disabled
                </th>
                <th scope="col" class="num">
                  Failed, 24 h
                </th>
                <th scope="col" class="num">
                  Waiting
                </th>
              </tr>
            </thead>
            <tbody>
              {health.map((h) => (
                <tr data-publisher={h.publisher_id}>
                  <td>
                    <a href={`/admin/publishers/${h.publisher_id}`}>{h.publisher_name}</a>
                  </td>
                  <td class="num">{h.endpoints_enabled}</td>
                  <td class="num">
                    {h.endpoints_disabled > 0 ? <span class="badge bad">{h.endpoints_disabled}</span> : 0}
                  </td>
                  <td class="num">{h.failed_last_24h}</td>
                  <td class="num">{h.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {health.length === 0 ? <p>No publisher has a webhook endpoint yet.</p> : null}
        </>
      ),
    });
  }),
);
