import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailKey, normalizeEmail, trialIdentity } from '../../src/domain/email';

describe('normalizeEmail: one mailbox, one identity', () => {
  it.each([
    ['u@example.com.', 'u@example.com'],
    ['"u"@example.com', 'u@example.com'],
    ['"jane\\.doe"@Example.com', 'jane.doe@example.com'],
    ['u@bücher.example', 'u@xn--bcher-kva.example'],
    ['u@xn--bcher-kva.example', 'u@xn--bcher-kva.example'],
    ['u@BÜCHER.example.', 'u@xn--bcher-kva.example'],
    ['U@ｅｘａｍｐｌｅ.com', 'u@example.com'],
    ['  Jane@Example.COM ', 'jane@example.com'],
  ])('%s has the key %s', (typed, key) => {
    expect(normalizeEmail(typed)?.key).toBe(key);
  });

  it('keeps the local part as typed in the address mail goes to, with the domain normalised', () => {
    expect(normalizeEmail('Jane.Doe@Bücher.Example.')?.address).toBe('Jane.Doe@xn--bcher-kva.example');
  });

  it.each([
    'a\uFFFD@example.com',
    'a@exa\uFFFDmple.com',
    '"a b"@example.com',
    '"a@b"@example.com',
    'a"b@example.com',
    'a@[192.0.2.1]',
    'a@localhost',
    'a@example',
    'a@-example.com',
    'a@example..com',
    'a b@example.com',
    'a\u0000@example.com',
    'a\u200b@example.com',
    '@example.com',
    'a@',
    'a@example.com:25',
    `${'x'.repeat(65)}@example.com`,
    `a@${'d'.repeat(250)}.com`,
  ])('refuses %j, which cannot be normalised', (typed) => {
    expect(normalizeEmail(typed)).toBeNull();
  });

  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
  const unicodeLabel = fc
    .array(
      // Not ß: its upper case is SS, another domain under IDNA 2008.
      fc.constantFrom('ä', 'ö', 'ü', 'é', 'ñ', 'ç', 'ø', 'a', 'b', 'r'),
      { minLength: 1, maxLength: 8 },
    )
    .map((chars) => chars.join(''));
  const local = fc.stringMatching(/^[a-z][a-z0-9]{0,7}(\.[a-z0-9]{1,5})?$/);
  const mailbox = fc.record({
    local,
    labels: fc.array(fc.oneof(label, unicodeLabel), { minLength: 1, maxLength: 3 }),
    tld: fc.constantFrom('com', 'org', 'example', 'de', 'net'),
  });

  /** Every way of writing one mailbox that means the same mailbox. */
  function spellings(m: { local: string; labels: string[]; tld: string }): string[] {
    const unicode = [...m.labels, m.tld].join('.');
    const ascii = new URL(`http://${unicode}`).hostname;
    const upper = (s: string) => s.toUpperCase();
    return [
      `${m.local}@${unicode}`,
      `${m.local}@${ascii}`,
      `${m.local}@${unicode}.`,
      `${m.local}@${ascii}.`,
      `"${m.local}"@${unicode}`,
      `"${m.local.replace(/\./g, '\\.')}"@${ascii}`,
      `${upper(m.local)}@${upper(unicode)}`,
      ` ${m.local}@${upper(ascii)} `,
      `${m.local}@${unicode.normalize('NFD')}`,
    ];
  }

  it('gives every spelling of one mailbox the same key and the same trial identity', () => {
    fc.assert(
      fc.property(mailbox, (m) => {
        const keys = new Set(spellings(m).map((s) => normalizeEmail(s)?.key));
        const identities = new Set(spellings(m).map((s) => trialIdentity(s)));
        expect([...keys]).toHaveLength(1);
        expect([...keys][0]).toMatch(/^[a-z0-9.]+@[a-z0-9.-]+$/);
        expect([...identities]).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('gives different mailboxes different keys', () => {
    fc.assert(
      fc.property(mailbox, mailbox, (a, b) => {
        const ka = normalizeEmail(spellings(a)[0] ?? '')?.key;
        const kb = normalizeEmail(spellings(b)[0] ?? '')?.key;
        const same = a.local === b.local && a.tld === b.tld && a.labels.join('.') === b.labels.join('.');
        expect(ka === kb).toBe(same);
      }),
      { numRuns: 300 },
    );
  });

  it('keys a plain ASCII address exactly as before (trimmed, lower-cased), so stored keys still match', () => {
    fc.assert(
      fc.property(local, label, fc.constantFrom('com', 'org'), (l, d, t) => {
        const typed = ` ${l.toUpperCase()}@${d}.${t.toUpperCase()} `;
        expect(emailKey(typed)).toBe(typed.trim().toLowerCase());
      }),
    );
  });
});
