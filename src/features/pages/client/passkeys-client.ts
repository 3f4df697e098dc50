/**
 * @module The passkey buttons' script, run in the browser (never on the server): "Add a passkey" on
 * the account page and "Sign in with a passkey" on the sign-in page, through @simplewebauthn/browser
 * and the JSON API of the same origin. The buttons stay hidden unless the browser can do WebAuthn.
 * `npx tsx scripts/passkeys-client.ts` bundles it into ./passkeys-script.ts, which the pages serve.
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

// The few DOM members used, declared here: the project's TypeScript has no DOM library.
interface Element {
  hidden: boolean;
  disabled: boolean;
  textContent: string | null;
  getAttribute(name: string): string | null;
  addEventListener(type: 'click', listener: () => void): void;
}
const page = globalThis as unknown as {
  document: {
    getElementById(id: string): Element | null;
    querySelectorAll(selector: string): Iterable<Element>;
  };
  location: { pathname: string; assign(url: string): void; reload(): void };
};

const status = (text: string) => {
  const el = page.document.getElementById('passkey-status');
  if (el) el.textContent = text;
};

/** A JSON call to the service; a refusal throws with the service's own `detail`. */
async function call(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as { detail?: string } | null;
  if (!res.ok) throw new Error(json?.detail ?? 'Something went wrong. Please try again.');
  return json;
}

/** What to tell the reader when the browser's prompt failed (cancelled, timed out, or refused). */
function browserFailure(err: unknown, what: string): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') return `${what} was cancelled or timed out.`;
  if (name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return err instanceof Error ? err.message : `${what} did not work.`;
}

/** Runs one ceremony from a button: disabled meanwhile, the outcome said in the status line. */
function wire(id: string, what: string, run: (button: Element) => Promise<void>): void {
  const button = page.document.getElementById(id);
  if (!button) return;
  button.addEventListener('click', () => {
    button.disabled = true;
    status('Follow your browser’s prompt…');
    run(button)
      .catch((err: unknown) => status(browserFailure(err, what)))
      .finally(() => {
        button.disabled = false;
      });
  });
}

if (browserSupportsWebAuthn()) {
  for (const el of page.document.querySelectorAll('[data-passkeys]')) el.hidden = false;
  for (const el of page.document.querySelectorAll('[data-passkeys-unavailable]')) el.hidden = true;

  wire('passkey-add', 'Adding the passkey', async (button) => {
    const optionsJSON = (await call('/v1/me/passkeys/options')) as Parameters<
      typeof startRegistration
    >[0]['optionsJSON'];
    const response = await startRegistration({ optionsJSON });
    await call('/v1/me/passkeys', { response, name: button.getAttribute('data-name') ?? undefined });
    status('Passkey added.');
    // The account page again, with the new passkey listed (a GET: a reload of a posted page would post again).
    if (page.location.pathname === '/account') page.location.reload();
    else page.location.assign('/account');
  });

  wire('passkey-sign-in', 'Signing in with a passkey', async (button) => {
    const optionsJSON = (await call('/v1/sign-in/passkey/options')) as Parameters<
      typeof startAuthentication
    >[0]['optionsJSON'];
    const response = await startAuthentication({ optionsJSON });
    await call('/v1/sign-in/passkey', { response });
    const next = button.getAttribute('data-next') ?? '';
    // Same-origin paths only (the server chose it; this keeps it so).
    page.location.assign(next.startsWith('/') && !next.startsWith('//') ? next : '/account');
  });
}
