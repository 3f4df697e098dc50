/** @module The development inbox: every mail the service queued, newest first, links clickable. */
import type { FC } from 'hono/jsx';
import { Layout } from './layout';

export interface InboxMail {
  id: string;
  to: string;
  subject: string;
  /** The plain text, in parts: text, and links to follow. */
  parts: { text: string; href?: string }[];
  queuedAt: string;
  status: string;
}

export const InboxView: FC<{ mails: InboxMail[] }> = ({ mails }) => (
  <Layout title="Development inbox" signedIn={false}>
    <h1>Development inbox</h1>
    <p class="lead">
      Every mail the service queued, newest first (the last 50). Shown only outside production, where mails go
      to the configured provider instead.
    </p>
    {mails.length === 0 ? (
      <p>No mail yet. Ask for a sign-in link or a password reset to see one here.</p>
    ) : null}
    {mails.map((mail) => (
      <article class="card mail" id={mail.id} aria-labelledby={`${mail.id}-subject`}>
        <h2 id={`${mail.id}-subject`}>{mail.subject}</h2>
        <p class="hint">
          To {mail.to} · {mail.queuedAt} · {mail.status} · <a href={`/dev/inbox/${mail.id}/html`}>as HTML</a>
        </p>
        <pre class="mail-text">
          {mail.parts.map((part) => (part.href ? <a href={part.href}>{part.text}</a> : part.text))}
        </pre>
      </article>
    ))}
  </Layout>
);
