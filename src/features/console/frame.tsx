/** @module The consoles' frame and parts: tabs, notices, one-button forms, pagers, dates and money. */
import type { Child, FC } from 'hono/jsx';
import { Layout } from '../pages';

export interface Tab {
  href: string;
  label: string;
}

export const ConsoleFrame: FC<{
  title: string;
  /** The console's own name, above the tabs. */
  heading: string;
  tabs: readonly Tab[];
  current: string;
  notice?: string | undefined;
  error?: string | undefined;
  children?: Child;
}> = ({ title, heading, tabs, current, notice, error, children }) => (
  <Layout title={`${title} · ${heading}`} signedIn={true} hasErrors={error !== undefined}>
    <p class="muted">{heading}</p>
    <nav aria-label={heading}>
      <ul class="console-nav">
        {tabs.map((t) => (
          <li>
            <a href={t.href} aria-current={t.href === current ? 'page' : undefined}>
              {t.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
    <h1>{title}</h1>
    {error ? (
      <div class="summary" role="alert">
        <h2>There is a problem</h2>
        <p>{error}</p>
      </div>
    ) : null}
    {notice ? (
      <div class="notice" role="status">
        {notice}
      </div>
    ) : null}
    {children}
  </Layout>
);

/** A form of one button (and hidden fields) that posts to `action`. */
export const PostButton: FC<{
  action: string;
  csrf: string;
  label: string;
  danger?: boolean;
  fields?: Record<string, string>;
}> = ({ action, csrf, label, danger, fields = {} }) => (
  <form method="post" action={action}>
    <input type="hidden" name="csrf" value={csrf} />
    {Object.entries(fields).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <button class={`btn ${danger ? 'danger' : 'secondary'}`} type="submit">
      {label}
    </button>
  </form>
);

/** A labelled input of any HTML type, for console forms (dates, numbers, selects are separate). */
export const Input: FC<{
  id: string;
  label: string;
  type?: string;
  value?: string | undefined;
  required?: boolean;
  hint?: string;
}> = ({ id, label, type = 'text', value, required, hint }) => (
  <div class="field">
    <label for={id}>{label}</label>
    {hint ? (
      <span class="hint" id={`${id}-hint`}>
        {hint}
      </span>
    ) : null}
    <input
      class="input"
      id={id}
      name={id}
      type={type}
      value={value}
      required={required}
      aria-describedby={hint ? `${id}-hint` : undefined}
    />
  </div>
);

export const Select: FC<{
  id: string;
  label: string;
  options: readonly string[];
  value?: string | undefined;
}> = ({ id, label, options, value }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <select class="input" id={id} name={id}>
      {options.map((o) => (
        <option value={o} selected={o === value}>
          {o === '' ? 'any' : o}
        </option>
      ))}
    </select>
  </div>
);

/** "Next page" when there is one, keeping the page's other query parameters. */
export const Pager: FC<{ base: string; query?: Record<string, string | undefined>; next: string | null }> = ({
  base,
  query = {},
  next,
}) => {
  if (!next) return null;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  params.set('cursor', next);
  return (
    <p>
      <a href={`${base}?${params.toString()}`}>Next page →</a>
    </p>
  );
};

/** The date range form of a report page (GET, so the range is in the address and can be shared). */
export const RangeForm: FC<{ action: string; from: string; to: string; error?: string | undefined }> = ({
  action,
  from,
  to,
  error,
}) => (
  <form method="get" action={action} class="card inline" aria-label="Date range">
    <Input id="from" label="From" type="date" value={from} />
    <Input id="to" label="To" type="date" value={to} />
    <button class="btn" type="submit">
      Show
    </button>
    {error ? <p class="field-error">{error}</p> : null}
  </form>
);

/** `2026-12-03 05:40 UTC`, or a dash. */
export function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/** `€12.34` from minor units. */
export function money(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${currency}`;
  }
}

export const Tiles: FC<{ items: readonly { label: string; value: string }[] }> = ({ items }) => (
  <div class="tiles">
    {items.map((i) => (
      <div class="tile">
        <span class="muted">{i.label}</span>
        <b>{i.value}</b>
      </div>
    ))}
  </div>
);

/** What a page says after its form: a notice, an error, or a secret made now and shown this once. */
export interface Shown {
  notice?: string;
  error?: string;
  secret?: string;
}

/** A key or secret just made, in a card, shown this once; nothing when there is none. */
export const SecretCard: FC<{ secret?: string | undefined; title: string; id: string; children?: Child }> = ({
  secret,
  title,
  id,
  children,
}) =>
  secret ? (
    <div class="card">
      <h2>{title}</h2>
      <p>{children}</p>
      <code class="secret" id={id}>
        {secret}
      </code>
    </div>
  ) : null;
