/**
 * @module The passkey parts of the pages: the account's Passkeys section (the list with plain-form
 * remove buttons, which work without JavaScript, and "Add a passkey", which needs it) and the
 * sign-in page's "Sign in with a passkey". Script-driven parts start hidden; /assets/passkeys.js
 * shows them where the browser can do WebAuthn.
 */
import type { FC } from 'hono/jsx';
import { PASSKEYS_SCRIPT_PATH } from '../client/script-path';
import { FormState } from './form';
import { formatDay } from './membership';

export interface PasskeyRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const PasskeysScript: FC = () => <script src={PASSKEYS_SCRIPT_PATH} defer />;

export const PasskeysSection: FC<{ passkeys: PasskeyRow[]; csrf: string; suggestedName: string }> = ({
  passkeys,
  csrf,
  suggestedName,
}) => (
  <section class="card" id="passkeys" aria-labelledby="passkeys-title">
    <h2 id="passkeys-title">Passkeys</h2>
    <p>Sign in with your fingerprint, face or screen lock instead of a password or a mailed code.</p>
    {passkeys.length === 0 ? (
      <p>You have no passkeys yet.</p>
    ) : (
      <ul class="devices passkeys">
        {passkeys.map((p) => (
          <li>
            <strong>{p.name}</strong> · added {formatDay(p.createdAt)} ·{' '}
            {p.lastUsedAt ? `last used ${formatDay(p.lastUsedAt)}` : 'not used yet'}
            <form method="post" action="/account/passkeys/delete">
              <FormState csrf={csrf} />
              <input type="hidden" name="passkey" value={p.id} />
              <button class="btn secondary" type="submit">
                Remove<span class="visually-hidden"> the passkey {p.name}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
    )}
    <div data-passkeys hidden>
      <button class="btn" type="button" id="passkey-add" data-name={suggestedName}>
        Add a passkey
      </button>
    </div>
    <p class="muted" data-passkeys-unavailable>
      Adding a passkey needs JavaScript and a browser that supports passkeys.
    </p>
    <p id="passkey-status" role="status" />
    <PasskeysScript />
  </section>
);

/** Below the password form; without JavaScript or WebAuthn it stays hidden and the other ways remain. */
export const PasskeySignIn: FC<{ next: string | null }> = ({ next }) => (
  <>
    <div data-passkeys hidden>
      <button class="btn secondary block" type="button" id="passkey-sign-in" data-next={next ?? '/account'}>
        Sign in with a passkey
      </button>
      <p id="passkey-status" role="status" />
    </div>
    <PasskeysScript />
  </>
);
