/** @module The account page's own sections: the signed-in devices and the password. */
import type { FC } from 'hono/jsx';
import { Field, type FormErrors, FormState } from './form';
import { Layout } from './layout';
import { formatDay } from './membership';

export interface DeviceRow {
  id: string;
  createdAt: Date;
  userAgent: string | null;
  current: boolean;
}

/** Browsers and systems by what their User-Agent says, checked in order (Edge says Chrome too). */
const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X/, 'macOS'],
  [/Windows/, 'Windows'],
  [/Linux/, 'Linux'],
];
const nameIn = (table: [RegExp, string][], userAgent: string) =>
  table.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;

/** A short name for a User-Agent: the browser and the system, when they can be told. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = nameIn(BROWSERS, userAgent);
  const system = nameIn(SYSTEMS, userAgent);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

export const DevicesSection: FC<{ devices: DeviceRow[]; csrf: string }> = ({ devices, csrf }) => (
  <section class="card" aria-labelledby="devices-title">
    <h2 id="devices-title">Signed-in devices</h2>
    <ul class="devices">
      {devices.map((d) => (
        <li>
          <strong>{deviceName(d.userAgent)}</strong> · since {formatDay(d.createdAt)}
          {d.current ? ' · this device' : ''}
        </li>
      ))}
    </ul>
    {devices.length > 1 ? (
      <form method="post" action="/account/sessions">
        <FormState csrf={csrf} />
        <button class="btn secondary" type="submit">
          Sign out everywhere else
        </button>
      </form>
    ) : null}
  </section>
);

export const PasswordSection: FC<{ csrf: string; hasPassword: boolean; errors?: FormErrors | undefined }> = ({
  csrf,
  hasPassword,
  errors,
}) => (
  <section class="card" aria-labelledby="password-title">
    <h2 id="password-title">{hasPassword ? 'Change your password' : 'Choose a password'}</h2>
    {hasPassword ? null : <p>You sign in by mail. A password lets you sign in without waiting for one.</p>}
    <form method="post" action="/account/password" novalidate>
      <FormState csrf={csrf} />
      {hasPassword ? (
        <Field
          id="current_password"
          label="Current password"
          type="password"
          autocomplete="current-password"
          error={errors?.current_password}
        />
      ) : null}
      <Field
        id="new_password"
        label="New password"
        type="password"
        autocomplete="new-password"
        hint="At least 8 characters. Your other devices are signed out."
        error={errors?.new_password}
      />
      <button class="btn secondary" type="submit">
        {hasPassword ? 'Change password' : 'Set password'}
      </button>
    </form>
  </section>
);

export interface ReadingRow {
  publisher: string;
  title: string;
  url: string | null;
  date: string;
}

const ReadingList: FC<{ rows: ReadingRow[] }> = ({ rows }) => (
  <ul class="reading">
    {rows.map((r) => (
      <li>
        {r.url ? <a href={r.url}>{r.title}</a> : <span>{r.title}</span>} · {r.publisher} · {r.date}
      </li>
    ))}
  </ul>
);

/** The account page's latest reads, linking to the whole history. */
export const ReadingSection: FC<{ rows: ReadingRow[]; more: boolean }> = ({ rows, more }) => (
  <section class="card" aria-labelledby="reading-title">
    <h2 id="reading-title">Your reading</h2>
    {rows.length === 0 ? (
      <p>Nothing yet: articles you read on member sites appear here.</p>
    ) : (
      <ReadingList rows={rows} />
    )}
    <p>
      {more ? (
        <>
          <a href="/account/reading">All your reading</a> ·{' '}
        </>
      ) : null}
      <a href="/titles">Every title your membership opens</a>
    </p>
  </section>
);

/** `/account/reading`: every read, newest first, a page at a time. */
export const ReadingView: FC<{ rows: ReadingRow[]; next: string | null; keptDays?: number | undefined }> = ({
  rows,
  next,
  keptDays,
}) => (
  <Layout title="Your reading" signedIn>
    <h1>Your reading</h1>
    <p class="lead">
      What you read on OnePass member sites, newest first
      {keptDays ? `, over the last ${keptDays} days (older reading is not kept with your account)` : ''}.
    </p>
    {rows.length === 0 ? <p>Nothing yet.</p> : <ReadingList rows={rows} />}
    <div class="actions">
      {next ? <a href={`/account/reading?cursor=${encodeURIComponent(next)}`}>Older</a> : null}
      <a href="/account">Back to your account</a>
    </div>
  </Layout>
);

export interface DeleteSectionProps {
  csrf: string;
  codeCsrf: string;
  hasPassword: boolean;
  error?: string | undefined;
}

/** Download the data, or delete the account: confirmed with the password, or a mailed code without one. */
export const DataSection: FC<DeleteSectionProps> = ({ csrf, codeCsrf, hasPassword, error }) => (
  <section class="card" aria-labelledby="data-title">
    <h2 id="data-title">Your data</h2>
    <p>
      <a href="/account/export" download="onepass-export.json">
        Download your data
      </a>{' '}
      (JSON: the account, the membership, sessions, reads and mails).
    </p>
    <h3>Delete your account</h3>
    <p>
      Any subscription is cancelled at once and your email, password and sessions are erased. This cannot be
      undone.
    </p>
    {hasPassword ? null : (
      <form method="post" action="/account/delete/code">
        <FormState csrf={codeCsrf} />
        <button class="btn secondary" type="submit">
          Email me a code to confirm
        </button>
      </form>
    )}
    <form method="post" action="/account/delete" novalidate>
      <FormState csrf={csrf} />
      {hasPassword ? (
        <Field
          id="delete_password"
          label="Your password"
          type="password"
          autocomplete="current-password"
          error={error}
        />
      ) : (
        <Field
          id="delete_code"
          label="Code from the mail"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          error={error}
        />
      )}
      <button class="btn danger" type="submit">
        Delete my account
      </button>
    </form>
  </section>
);

export const DeletedView: FC = () => (
  <Layout title="Account deleted" signedIn={false} narrow>
    <h1>Your account is deleted</h1>
    <div class="notice" role="status">
      Your email, password and sessions are erased, and any subscription is cancelled.
    </div>
    <a href="/">Back to OnePass</a>
  </Layout>
);
