/** @module The frame of every reader page: head, header with the OnePass name, main landmark, footer. */
import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { STYLESHEET } from './style';

export interface LayoutProps {
  title: string;
  /** Whether someone is signed in: the header then links to the account instead of sign-in. */
  signedIn: boolean;
  /** Prefixes the title with "Error:" so that screen readers announce it first. */
  hasErrors?: boolean;
  narrow?: boolean;
  children?: Child;
}

export const Layout: FC<LayoutProps> = ({ title, signedIn, hasErrors, narrow, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="strict-origin-when-cross-origin" />
        <title>{`${hasErrors ? 'Error: ' : ''}${title} · OnePass`}</title>
        <link rel="icon" href="data:," />
        <style>{raw(STYLESHEET)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              One<span>Pass</span>
            </a>
            <nav aria-label="Account">
              {signedIn ? <a href="/account">Your account</a> : <a href="/login">Sign in</a>}
            </nav>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {narrow ? <div class="narrow">{children}</div> : children}
        </main>
        <footer class="site-footer">
          <div>OnePass · one membership for all your news.</div>
        </footer>
      </body>
    </html>
  </>
);

/** Says which publisher sent the reader here (the `/access` flow). */
export const FromPublisher: FC<{ name: string; children?: Child }> = ({ name, children }) => (
  <p class="from">
    You came from <strong>{name}</strong>. {children}
  </p>
);
