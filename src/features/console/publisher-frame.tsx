/** @module The publisher console's frame: its tabs, and the gate + render step every one of its pages takes. */
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderPage } from '../pages';
import { ConsoleFrame } from './frame';
import { type PageContext, type PublisherSession, publisherGate } from './gate';

export function publisherTabs(publisherId: string) {
  const base = `/publisher/${publisherId}`;
  return [
    { href: base, label: 'Overview' },
    { href: `${base}/statements`, label: 'Statements' },
    { href: `${base}/webhooks`, label: 'Webhooks' },
    { href: `${base}/keys`, label: 'API keys' },
    { href: `${base}/settings`, label: 'Settings' },
    { href: `${base}/staff`, label: 'Staff' },
  ];
}

/** Renders a page of the publisher console inside its frame. */
export function publisherPage(
  c: PageContext,
  s: PublisherSession,
  page: {
    title: string;
    current: string;
    notice?: string | undefined;
    error?: string | undefined;
    status?: ContentfulStatusCode;
    children: Child;
  },
): Promise<Response> {
  return renderPage(
    c,
    <ConsoleFrame
      title={page.title}
      heading={`${s.publisher.name} · publisher console (${s.role})`}
      tabs={publisherTabs(s.publisher.id)}
      current={page.current}
      notice={page.notice}
      error={page.error}
    >
      {page.children}
    </ConsoleFrame>,
    { status: page.status ?? 200 },
  );
}

/** Runs `then` for the staff member of the `:pid` publisher, or answers with the gate's page. */
export async function withPublisher(
  c: PageContext,
  then: (s: PublisherSession) => Promise<Response>,
): Promise<Response> {
  const s = await publisherGate(c, c.req.param('pid') ?? '');
  return s instanceof Response ? s : then(s);
}
