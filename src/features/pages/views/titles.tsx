/** @module `/titles`: every member publisher, with its logo, description and homepage. */
import type { FC } from 'hono/jsx';
import { Layout } from './layout';

export interface TitleCard {
  name: string;
  description: string | null;
  homepageUrl: string | null;
  logoUrl: string | null;
}

export const TitlesView: FC<{ titles: TitleCard[]; next: string | null; signedIn: boolean }> = ({
  titles,
  next,
  signedIn,
}) => (
  <Layout title="Titles" signedIn={signedIn}>
    <h1>The titles of your membership</h1>
    <p class="lead">One OnePass membership opens every one of them, newest members first.</p>
    {titles.length === 0 ? <p>No titles yet.</p> : null}
    <ul class="titles">
      {titles.map((t) => (
        <li class="card">
          {t.logoUrl ? (
            <img
              src={t.logoUrl}
              alt={`${t.name} logo`}
              width="48"
              height="48"
              loading="lazy"
              referrerpolicy="no-referrer"
            />
          ) : null}
          <div>
            <h2>{t.homepageUrl ? <a href={t.homepageUrl}>{t.name}</a> : t.name}</h2>
            {t.description ? <p>{t.description}</p> : null}
          </div>
        </li>
      ))}
    </ul>
    <div class="actions">
      {next ? <a href={`/titles?cursor=${encodeURIComponent(next)}`}>More titles</a> : null}
      <a href={signedIn ? '/account' : '/'}>{signedIn ? 'Back to your account' : 'Back to OnePass'}</a>
    </div>
  </Layout>
);
