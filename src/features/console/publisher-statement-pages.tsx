/**
 * @module The publisher console's statements: the list with this publisher's line in each, and one
 * statement with every line and the verification below it — the SDK's own `verifyStatement` run
 * against the service's JWKS over the publisher's leaves — and the JSON the command checks offline.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { rfc3339 } from '../../domain/time';
import { showFailure } from '../pages';
import { getPublisherStatement, listPublisherStatements, verifyPublisherStatement } from '../payouts';
import { money, Pager, when } from './frame';
import type { PageContext, PublisherSession } from './gate';
import { publisherPage, withPublisher } from './publisher-frame';

export const publisherStatementPages = new OpenAPIHono<AppEnv>();
publisherStatementPages.onError(showFailure);

const LEAVES_PER_PAGE = 10_000;

publisherStatementPages.get('/publisher/:pid/statements', (c) =>
  withPublisher(c, async (s) => {
    const path = `/publisher/${s.publisher.id}/statements`;
    const page = await listPublisherStatements({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { limit: 24, cursor: c.req.query('cursor') || undefined },
    });
    return publisherPage(c, s, {
      title: 'Statements',
      current: path,
      children: (
        <>
          <p class="muted">
            Each month’s payout is split by counted reads. Every statement is signed and commits to every
            read, so you can check your share yourself (docs/STATEMENTS.md).
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" class="num">
                  Your reads
                </th>
                <th scope="col" class="num">
                  Your amount
                </th>
                <th scope="col" class="num">
                  Of
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map(({ payout, line }) => (
                <tr>
                  <td>
                    <a href={`${path}/${payout.month}?currency=${payout.currency}`}>
                      {payout.month} {payout.currency}
                    </a>
                  </td>
                  <td class="num">{line.reads}</td>
                  <td class="num">{money(line.amount, payout.currency)}</td>
                  <td class="num">{money(payout.amount, payout.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.length === 0 ? <p>No statement has a line for this publisher yet.</p> : null}
          <Pager base={path} next={page.nextCursor} />
        </>
      ),
    });
  }),
);

/** The statement and every one of the publisher's leaves, page by page. */
async function wholeStatement(c: PageContext, s: PublisherSession) {
  const ctx = c.get('ctx');
  const input = { month: c.req.param('month') ?? '', currency: c.req.query('currency') || undefined };
  const first = await getPublisherStatement({
    ctx,
    principal: s.principal,
    input: { ...input, limit: LEAVES_PER_PAGE },
  });
  const leaves = [...first.leaves];
  let cursor = first.nextCursor;
  while (cursor) {
    const next = await getPublisherStatement({
      ctx,
      principal: s.principal,
      input: { ...input, limit: LEAVES_PER_PAGE, cursor },
    });
    leaves.push(...next.leaves);
    cursor = next.nextCursor;
  }
  return { ...first, leaves };
}

publisherStatementPages.get('/publisher/:pid/statements/:month', (c) =>
  withPublisher(c, async (s) => {
    const ctx = c.get('ctx');
    const path = `/publisher/${s.publisher.id}/statements`;
    const month = c.req.param('month') ?? '';
    const currency = c.req.query('currency') || undefined;
    if (c.req.query('format') === 'json') {
      // The file the command checks offline: the statement and every one of the publisher's reads.
      const whole = await wholeStatement(c, s);
      const { payout } = whole;
      c.header(
        'Content-Disposition',
        `attachment; filename="statement-${payout.month}-${payout.currency}.json"`,
      );
      c.header('Cache-Control', 'no-store');
      return c.json({
        id: payout.id,
        month: payout.month,
        currency: payout.currency,
        publisher_id: s.publisher.id,
        created_at: rfc3339(payout.createdAt),
        statement: payout.statement ?? '',
        leaves: whole.leaves,
        next_cursor: null,
      });
    }
    // The page: the SDK's check over the reads as they stream from the store, a page at a time.
    const result = await verifyPublisherStatement({
      ctx,
      principal: s.principal,
      input: { month, currency },
    });
    const found = result.statement;
    const { payout, lines } = found;
    return publisherPage(c, s, {
      title: `Statement ${payout.month} ${payout.currency}`,
      current: path,
      children: (
        <>
          <dl class="status card">
            <dt>Total</dt>
            <dd>
              {money(payout.amount, payout.currency)} over {payout.reads} reads
            </dd>
            <dt>Your line</dt>
            <dd>
              {found.line.reads} reads, {money(found.line.amount, payout.currency)}
            </dd>
            <dt>Root</dt>
            <dd>
              <code>{payout.root ?? '—'}</code>
            </dd>
            <dt>Made</dt>
            <dd>{when(payout.createdAt)}</dd>
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
                <tr aria-current={l.publisherId === s.publisher.id ? 'true' : undefined}>
                  <td>
                    {l.publisherId === s.publisher.id ? (
                      <strong>{l.publisherName} (you)</strong>
                    ) : (
                      l.publisherName
                    )}
                  </td>
                  <td class="num">{l.reads}</td>
                  <td class="num">{money(l.amount, payout.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <section
            class="card"
            aria-labelledby="verification-title"
            id="verification"
            data-ok={String(result.ok)}
          >
            <h2 id="verification-title">
              Verification:{' '}
              {result.ok ? (
                <span class="badge ok">every check passed</span>
              ) : (
                <span class="badge bad">failed</span>
              )}
            </h2>
            <p class="muted">
              Checked now with <code>verifyStatement()</code> from <code>@onepass/verify</code> over your{' '}
              {found.line.reads} reads and the published keys. Check it yourself, offline:{' '}
              <a href={`?currency=${payout.currency}&format=json`}>download the statement and your reads</a>,
              then run{' '}
              <code>{`npx @onepass/verify statement statement-${payout.month}-${payout.currency}.json --issuer ${ctx.config.publicUrl}`}</code>
              .
            </p>
            <ul>
              {result.checks.map((check) => (
                <li data-check={check.name} data-status={check.status}>
                  <strong>
                    {check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '–'} {check.name}
                  </strong>
                  : {check.message}
                </li>
              ))}
            </ul>
          </section>
        </>
      ),
    });
  }),
);
