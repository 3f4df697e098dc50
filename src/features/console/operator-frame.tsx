/** @module The operator console's frame: its tabs, and the gate + render step every one of its pages takes. */
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderPage } from '../pages';
import { ConsoleFrame } from './frame';
import { type OperatorSession, operatorGate, type PageContext } from './gate';

export const OPERATOR_TABS = [
  { href: '/admin', label: 'Dashboard' },
  { href: '/admin/members', label: 'Members' },
  { href: '/admin/publishers', label: 'Publishers' },
  { href: '/admin/payouts', label: 'Payouts' },
  { href: '/admin/keys', label: 'Keys and users' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/webhooks', label: 'Webhook health' },
] as const;

export function operatorPage(
  c: PageContext,
  s: OperatorSession,
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
      heading={`Operator console (${s.role})`}
      tabs={OPERATOR_TABS}
      current={page.current}
      notice={page.notice}
      error={page.error}
    >
      {page.children}
    </ConsoleFrame>,
    { status: page.status ?? (page.error ? 400 : 200) },
  );
}

/** Runs `then` for a signed-in operator, or answers with the gate's page. */
export async function withOperator(
  c: PageContext,
  then: (s: OperatorSession) => Promise<Response>,
): Promise<Response> {
  const s = await operatorGate(c);
  return s instanceof Response ? s : then(s);
}
