/** @module The landing page and the error page of the reader site. */
import type { FC } from 'hono/jsx';
import { Layout } from './layout';

export const LandingView: FC<{ signedIn: boolean; trialDays: number }> = ({ signedIn, trialDays }) => (
  <Layout title="All your news in one place" signedIn={signedIn}>
    <section class="hero" aria-labelledby="hero-title">
      <h1 id="hero-title">All your news in one place.</h1>
      <p class="lead">
        One membership. {trialDays > 0 ? `Start reading: ${trialDays} days free.` : 'Start reading today.'}
      </p>
      <div class="actions">
        {signedIn ? (
          <a class="btn" href="/account">
            Your account
          </a>
        ) : (
          <>
            <a class="btn" href="/signup">
              {trialDays > 0 ? 'Start your free trial' : 'Create your account'}
            </a>
            <a href="/login">I already have an account</a>
          </>
        )}
        <a href="/titles">See every title</a>
      </div>
    </section>
    <h2>How it works</h2>
    <ol class="steps">
      <li>
        <h3 class="h-step">Sign up once</h3>
        <p>
          {trialDays > 0 ? `Your first ${trialDays} days are free, no card needed.` : 'Create your account.'}
        </p>
      </li>
      <li>
        <h3 class="h-step">Read everywhere</h3>
        <p>Full articles on every member newspaper and magazine, with the same account.</p>
      </li>
      <li>
        <h3 class="h-step">One bill</h3>
        <p>Monthly or yearly, cancel any time. Your membership supports the sites you read.</p>
      </li>
    </ol>
  </Layout>
);

export interface ErrorViewProps {
  title: string;
  message: string;
  signedIn: boolean;
  links?: Array<{ href: string; label: string }>;
}

export const ErrorView: FC<ErrorViewProps> = ({ title, message, signedIn, links }) => (
  <Layout title={title} signedIn={signedIn} narrow>
    <h1>{title}</h1>
    <p class="lead">{message}</p>
    <ul>
      {(links ?? [{ href: '/', label: 'Go to the OnePass home page' }]).map((link) => (
        <li>
          <a href={link.href}>{link.label}</a>
        </li>
      ))}
    </ul>
  </Layout>
);
