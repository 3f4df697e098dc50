/** @module The demo newspaper's pages (hono/jsx): masthead, front page, article with its paywall box. */

import type { EntitlementMeter } from '@onepass/verify';
import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { type Article, FREE_PARAGRAPHS } from './articles';

export const PAPER_NAME = 'The Daily Example';

export const STYLES = `
.meter{background:#fff7e0;border:1px solid #e8c66a;border-radius:6px;padding:.6rem .9rem;font-family:system-ui,sans-serif}
:root{color-scheme:light;--ink:#1b1b1b;--muted:#555;--rule:#d6d1c4;--accent:#8a1c1c;--paper:#fffdf8;--focus:#1f5fbf}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:1.0625rem/1.65 Georgia,"Times New Roman",serif}
a{color:inherit}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999rem}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem}
.masthead{border-bottom:3px double var(--ink);text-align:center;padding:1rem 1rem .5rem}
.masthead .name{display:inline-block;font-size:clamp(1.8rem,7vw,3rem);font-weight:700;letter-spacing:-.02em;text-decoration:none}
.topbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center;max-width:46rem;margin:.5rem auto 0;font:.9rem/1.4 system-ui,sans-serif;color:var(--muted)}
.topbar form{margin:0;display:inline}
.linkish{background:none;border:0;padding:0;font:inherit;color:inherit;text-decoration:underline;cursor:pointer}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.section{font:700 .8rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.08em;color:var(--accent)}
h1{font-size:clamp(1.7rem,5.5vw,2.5rem);line-height:1.15;margin:.4rem 0 .6rem}
.standfirst{font-size:1.2rem;color:#333;margin:0 0 1rem}
.meta{font:.9rem/1.4 system-ui,sans-serif;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:.5rem 0;margin:0 0 1.5rem}
.teasers{list-style:none;padding:0;margin:0}
.teasers li{border-bottom:1px solid var(--rule);padding:1.1rem 0}
.teasers h2{font-size:1.35rem;line-height:1.25;margin:.3rem 0}
.teasers p{margin:.25rem 0}
.members{font:600 .75rem/1 system-ui,sans-serif;border:1px solid var(--accent);color:var(--accent);padding:.15rem .35rem;border-radius:3px;vertical-align:middle}
.paywall{position:relative;margin:2rem 0;padding:1.5rem;border:2px solid var(--ink);background:#fff;font-family:system-ui,sans-serif}
.paywall h2{font:700 1.35rem/1.25 Georgia,serif;margin:0 0 .5rem}
.paywall p{margin:0 0 1rem}
.fade{height:4rem;margin-top:-4rem;position:relative;background:linear-gradient(rgba(255,253,248,0),var(--paper))}
.cta{display:inline-block;background:var(--accent);color:#fff;font-weight:700;text-decoration:none;padding:.75rem 1.25rem;border-radius:4px}
.cta:hover{background:#6d1515}
.small{font-size:.95rem;color:var(--muted)}
footer{border-top:1px solid var(--rule);font:.85rem/1.4 system-ui,sans-serif;color:var(--muted);text-align:center;padding:1rem}
`;

export interface ReaderState {
  /** The reader has a valid OnePass token here. */
  entitled: boolean;
  signInUrl: string;
  /** Where the "Sign out" form sends the reader back to (a path on this site). */
  here: string;
}

const Page: FC<{ title: string; reader: ReaderState; head?: Child; children?: Child }> = ({
  title,
  reader,
  head,
  children,
}) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href="/styles.css" />
        <link rel="icon" href="data:," />
        {head}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="masthead">
          <a class="name" href="/">
            {PAPER_NAME}
          </a>
          <div class="topbar">
            <span>Northbay’s independent daily · a demo site for OnePass</span>
            {reader.entitled ? (
              <span>
                Reading with OnePass ·{' '}
                <form method="post" action="/signout">
                  <input type="hidden" name="return_to" value={reader.here} />
                  <button class="linkish" type="submit">
                    Sign out
                  </button>
                </form>
              </span>
            ) : (
              <a href={reader.signInUrl}>Sign in with OnePass</a>
            )}
          </div>
        </header>
        <main id="main">{children}</main>
        <footer>{PAPER_NAME} is a demonstration newspaper. Its stories and people are invented.</footer>
      </body>
    </html>
  </>
);

function longDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export const FrontPage: FC<{ articles: readonly Article[]; reader: ReaderState }> = ({
  articles,
  reader,
}) => (
  <Page title={`${PAPER_NAME}: Northbay news`} reader={reader}>
    <h1 class="visually-hidden">Latest news</h1>
    <ul class="teasers">
      {articles.map((article) => (
        <li>
          <span class="section">{article.section}</span> <span class="members">Members</span>
          <h2>
            <a href={`/articles/${article.slug}`}>{article.headline}</a>
          </h2>
          <p>{article.standfirst}</p>
          <p class="small">
            {article.byline} · <time datetime={article.published}>{longDate(article.published)}</time>
          </p>
        </li>
      ))}
    </ul>
  </Page>
);

/** schema.org NewsArticle, with the paywalled part marked as Google asks of subscription content. */
function structuredData(article: Article, url: string): string {
  const data = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.headline,
    description: article.standfirst,
    datePublished: article.published,
    url,
    author: [{ '@type': 'Person', name: article.byline.split(',')[0] }],
    publisher: { '@type': 'Organization', name: PAPER_NAME },
    isAccessibleForFree: false,
    hasPart: { '@type': 'WebPageElement', isAccessibleForFree: false, cssSelector: '.paywalled-content' },
  };
  // `<` escaped so that no string in the data can close the script element.
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

export interface ArticleView {
  article: Article;
  url: string;
  reader: ReaderState;
  /** The reader had OnePass but it has lapsed: the box offers to subscribe rather than a trial. */
  lapsed: boolean;
  /** Read free on the OnePass meter: how many of the month's free articles are used. */
  meter?: EntitlementMeter | null;
  accessUrl: string;
}

export const ArticlePage: FC<ArticleView> = ({ article, url, reader, meter, lapsed, accessUrl }) => {
  const free = article.paragraphs.slice(0, FREE_PARAGRAPHS);
  const rest = article.paragraphs.slice(FREE_PARAGRAPHS);
  return (
    <Page
      title={`${article.headline} | ${PAPER_NAME}`}
      reader={reader}
      head={<script type="application/ld+json">{raw(structuredData(article, url))}</script>}
    >
      <article>
        <span class="section">{article.section}</span>
        <h1>{article.headline}</h1>
        <p class="standfirst">{article.standfirst}</p>
        <p class="meta">
          By {article.byline} · <time datetime={article.published}>{longDate(article.published)}</time>
        </p>
        {free.map((text) => (
          <p>{text}</p>
        ))}
        {reader.entitled && meter ? (
          <p class="meter" role="status">
            {meter.used} of {meter.allowance} free articles this month.{' '}
            <a href={accessUrl}>Become a member</a> to read without limits.
          </p>
        ) : null}
        {reader.entitled ? (
          <div class="paywalled-content">
            {rest.map((text) => (
              <p>{text}</p>
            ))}
          </div>
        ) : (
          <>
            <div class="fade" aria-hidden="true" />
            <aside class="paywall" aria-labelledby="paywall-title">
              {lapsed ? (
                <>
                  <h2 id="paywall-title">Subscribe to keep reading</h2>
                  <p>
                    Your OnePass free trial or membership has ended, and so have this month's free articles.
                    Subscribe to read this article, and every site that takes OnePass.
                  </p>
                  <a class="cta" href={accessUrl}>
                    Subscribe
                  </a>
                </>
              ) : (
                <>
                  <h2 id="paywall-title">Sign up to read this article. Fourteen days free.</h2>
                  <p>
                    One OnePass membership opens this newspaper and every member site. No card needed to
                    start.
                  </p>
                  <a class="cta" href={accessUrl}>
                    Start your free trial
                  </a>
                  <p class="small">
                    Already a member? <a href={reader.signInUrl}>Sign in</a>
                  </p>
                </>
              )}
            </aside>
          </>
        )}
      </article>
    </Page>
  );
};

export const NotFoundPage: FC<{ reader: ReaderState }> = ({ reader }) => (
  <Page title={`Page not found | ${PAPER_NAME}`} reader={reader}>
    <h1>Page not found</h1>
    <p>
      <a href="/">Go to the front page</a>
    </p>
  </Page>
);
