/**
 * @module Email normalisation: every spelling of one mailbox has one identity.
 *
 * - `normalizeEmail`: the mailbox behind an address as typed, or null when it cannot be
 *   normalised (refused with 400). The domain in its ASCII form (IDN to punycode, lower case,
 *   without the trailing dot of a fully qualified name); a quoted local part unquoted when that is
 *   equivalent (`"u"@x` is `u@x`); Unicode in NFC. Anything else doubtful is refused rather than
 *   guessed: U+FFFD (what invalid UTF-8 decodes to), controls, spaces, IP-literal domains, quoted
 *   local parts that need their quotes.
 * - `key`: accounts are unique by it and sign-in looks it up (the local part lower-cased).
 * - `identity`: the key with plus-tags removed (every domain) and dots removed for Gmail
 *   (`googlemail.com` folded into `gmail.com`): the person behind the address, for the
 *   one-trial-per-person rule and for refusing a second live account of the same person.
 * - `address`: what mail is sent to (the local part as typed, the domain normalised).
 */

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export interface Mailbox {
  address: string;
  key: string;
  identity: string;
}

/** RFC 5322 atext, plus any non-ASCII character (RFC 6532): what a dot-atom's parts are made of. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+$/u;

function isDotAtom(local: string): boolean {
  return local.split('.').every((part) => ATEXT.test(part));
}

/** The local part without its quotes when they change nothing (`"a.b"` is `a.b`), else null. */
function unquoted(local: string): string | null {
  if (!local.startsWith('"')) return isDotAtom(local) ? local : null;
  if (local.length < 3 || !local.endsWith('"')) return null;
  const inner = local.slice(1, -1).replace(/\\(.)/gu, '$1');
  return isDotAtom(inner) ? inner : null;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The domain in ASCII (punycode, lower case, no trailing dot), or null when it is not a host name. */
function asciiDomain(domain: string): string | null {
  const bare = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (bare === '' || bare.startsWith('[') || /[/?#:@\\%]/.test(bare)) return null;
  let ascii: string;
  try {
    // The WHATWG URL parser implements UTS #46 (IDNA): the same ASCII form browsers and mail use.
    ascii = new URL(`http://${bare}`).hostname;
  } catch {
    return null;
  }
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  const tld = labels.at(-1) ?? '';
  return /^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$/.test(tld) ? ascii : null;
}

/** Control characters, separators and U+FFFD: nothing a mailbox contains. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\uFFFD]/u;

export function normalizeEmail(raw: string): Mailbox | null {
  const typed = raw.trim().normalize('NFC');
  if (typed.length === 0 || typed.length > 254 || FORBIDDEN.test(typed)) return null;
  const at = typed.lastIndexOf('@');
  if (at <= 0) return null;
  const local = unquoted(typed.slice(0, at));
  const domain = asciiDomain(typed.slice(at + 1));
  if (local === null || domain === null || local.length > 64) return null;
  const key = `${local.toLowerCase()}@${domain}`;
  return { address: `${local}@${domain}`, key, identity: trialIdentityOf(key) };
}

/** What a form or an API error says of an address that cannot be normalised. */
export const EMAIL_MESSAGE = 'Enter an email address like name@example.com';

export function isPlausibleEmail(value: string): boolean {
  return normalizeEmail(value) !== null;
}

/** The account key of an address; for an address that cannot be normalised, its trimmed lower case. */
export function emailKey(email: string): string {
  return normalizeEmail(email)?.key ?? email.trim().toLowerCase();
}

export function trialIdentity(email: string): string {
  return trialIdentityOf(emailKey(email));
}

function trialIdentityOf(key: string): string {
  const at = key.lastIndexOf('@');
  if (at < 0) return key;
  let local = key.slice(0, at);
  let domain = key.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
