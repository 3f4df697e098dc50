/**
 * @module Email normalisation: one form for uniqueness and sign-in, one for trial eligibility.
 *
 * - `emailKey`: trimmed and lower-cased. Accounts are unique by it and sign-in looks it up.
 * - `trialIdentity`: the key with plus-tags removed (every domain) and dots removed for Gmail
 *   (`googlemail.com` folded into `gmail.com`): the person behind the address, for the
 *   one-trial-per-person rule and for refusing a second live account of the same person.
 * The address as typed (trimmed) is what mail is sent to.
 */

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** A pragmatic shape check: one `@`, a non-empty local part, a dotted domain, no spaces. */
const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function isPlausibleEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_SHAPE.test(value.trim());
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function trialIdentity(email: string): string {
  const key = emailKey(email);
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
