/**
 * @module The demo publisher's statement page (`/statement`): fetches its newest payout statement
 * with every page of its leaves using its key, verifies it with the SDK against the OnePass JWKS,
 * and shows each check. A real site would put this page behind its own staff sign-in.
 */
import { fetchStatement, type StatementVerification, verifyStatement } from '@onepass/verify/statement';
import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import type { OnePassOptions } from './onepass';
import { PAPER_NAME } from './views';

const CHECK_NAMES: Record<string, string> = {
  format: 'The statement is well-formed',
  signature: 'Signed by OnePass (ES256, a key of its JWKS)',
  issuer: 'Issued by our OnePass service',
  line: 'It has a line for us',
  leaves: 'Our reads are in tree order, within the month, none repeated',
  leaf_count: 'Our reads are as many as our line counts',
  subtree_root: 'Our reads give our subtree root',
  root: 'Every line and the totals give the signed root',
  total_reads: "The lines' reads sum to the total",
  split: 'Every amount is the largest-remainder split of the total',
};

function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount / 100);
  } catch {
    return `${amount} ${currency}`;
  }
}

const StatementPage: FC<{ result: StatementVerification | null; error?: string }> = ({ result, error }) => {
  const payload = result?.payload;
  const line = result?.line;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Our OnePass statement · {PAPER_NAME}</title>
          <link rel="stylesheet" href="/styles.css" />
          <link rel="icon" href="data:," />
        </head>
        <body>
          <header class="masthead">
            <a class="name" href="/">
              {PAPER_NAME}
            </a>
          </header>
          <main id="main">
            <p class="section">For the newsroom</p>
            <h1>Our OnePass payout statement</h1>
            {error ? (
              <p>{error}</p>
            ) : !result || !payload ? (
              <p>{result ? 'The statement could not be read.' : 'OnePass has no statement for us yet.'}</p>
            ) : (
              <>
                <p class="standfirst">
                  {payload.month}: {line ? `${line.reads} of ${payload.reads} reads` : 'no line for us'}, paid{' '}
                  {line ? money(line.amount, payload.currency) : '–'} of{' '}
                  {money(payload.amount, payload.currency)}.
                </p>
                <p class="meta">
                  {result.ok
                    ? 'Verified here, with the OnePass SDK: every check below passed.'
                    : `NOT verified: ${result.failed?.name ?? 'a check was skipped'}.`}
                </p>
                <ul class="teasers">
                  {result.checks.map((check) => (
                    <li>
                      <strong>
                        {check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '–'}{' '}
                        {CHECK_NAMES[check.name] ?? check.name}
                      </strong>{' '}
                      <span class="small">
                        ({check.status}) {check.message}
                      </span>
                    </li>
                  ))}
                </ul>
                <p class="small">Root {payload.root}</p>
              </>
            )}
          </main>
        </body>
      </html>
    </>
  );
};

/** `/statement`, for `app.route('/', statementRoutes(options))`. */
export function statementRoutes(options: OnePassOptions): Hono {
  const app = new Hono();
  app.get('/statement', async (c) => {
    c.header('Cache-Control', 'private, no-store');
    const issuer = options.onepassUrl.replace(/\/+$/, '');
    try {
      const doc = await fetchStatement({
        baseUrl: issuer,
        apiKey: options.apiKey,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      if (!doc) return c.html(<StatementPage result={null} />);
      const result = await verifyStatement({
        statement: doc.statement,
        leaves: doc.leaves,
        publisherId: options.publisherId,
        issuer,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.now ? { now: options.now() } : {}),
      });
      return c.html(<StatementPage result={result} />, result.ok ? 200 : 502);
    } catch (err) {
      return c.html(
        <StatementPage
          result={null}
          error={`OnePass could not be asked for the statement (${(err as Error).message}).`}
        />,
        503,
      );
    }
  });
  return app;
}
