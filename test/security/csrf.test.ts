/**
 * @module CSRF on every cookie form: the forms are discovered from the pages themselves; each POST
 * without its token, from a foreign origin, or from nowhere is refused (403) and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../support/node-door';
import {
  cookiesOf,
  createPublisher,
  mergeCookies,
  PASSWORD,
  type Publisher,
  type Reader,
  raw,
  signUp,
  startWorld,
  unchanged,
  uniqueEmail,
  type World,
} from './world';

interface Form {
  page: string;
  action: string;
  hidden: Record<string, string>;
  signedIn: boolean;
}

let w: World;
let pub: Publisher;
let reader: Reader;
const forms = new Map<string, Form>();
const jars = new Map<boolean, string>();

/** The POST forms of a page, with their hidden fields. */
function formsOf(html: string): { action: string; hidden: Record<string, string> }[] {
  const found: { action: string; hidden: Record<string, string> }[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = match[1] ?? '';
    if (!/method="post"/i.test(attrs)) continue;
    const action = /action="([^"]*)"/.exec(attrs)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const hidden: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1]?.replaceAll('&amp;', '&') ?? '';
      if (name) hidden[name] = value;
    }
    found.push({ action, hidden });
  }
  return found;
}

beforeAll(async () => {
  w = await startWorld();
  pub = await createPublisher(w, 'Form Gazette', 'https://forms.example');
  reader = await signUp(w);
  // An expired trial, so that /access shows the subscribe form to a signed-in reader.
  const expired = await w.h.call('POST', `/v1/admin/members/${reader.id}/trial`, {
    token: w.adminKey,
    body: { ends_at: '2020-01-01T00:00:00Z' },
  });
  expect(expired.status, expired.text).toBe(200);
  const access = `/access?${new URLSearchParams({ publisher: pub.id, return_to: `${pub.origin}/a` })}`;
  const pages = [
    '/',
    '/signup',
    '/login',
    '/account',
    '/subscribe',
    '/reset-password',
    `/reset-password?token=${'t'.repeat(43)}`,
    '/subscribe/cancel',
    access,
    `${access}&screen=signin`,
    `/logout?${new URLSearchParams({ publisher: pub.id, return_to: `${pub.origin}/a` })}`,
  ];
  for (const signedIn of [false, true]) {
    let jar = signedIn ? reader.cookie : '';
    for (const page of pages) {
      const res = await raw(w, page, { headers: jar ? { cookie: jar } : {} });
      jar = mergeCookies(jar, cookiesOf(res.headers));
      for (const form of formsOf(res.text)) {
        const key = `${signedIn ? 'in' : 'out'} ${form.action.split('?')[0]}`;
        if (!forms.has(key)) forms.set(key, { page, signedIn, ...form });
      }
    }
    jars.set(signedIn, jar);
  }
});

afterAll(() => w.close());

/** Fields that would change something if the form were accepted. */
function fieldsFor(form: Form): Record<string, string> {
  const action = form.action.split('?')[0];
  if (action === '/signup') return { email: uniqueEmail('csrf'), password: PASSWORD };
  if (action === '/login') return { email: reader.email, password: PASSWORD };
  if (action === '/subscribe') return { plan: 'monthly' };
  if (action === '/reset-password') return { email: reader.email };
  if (action === '/reset-password/confirm') return { token: 't'.repeat(43), password: `${PASSWORD}!` };
  return {};
}

async function post(form: Form, fields: Record<string, string>, headers: Record<string, string>) {
  return raw(w, form.action, {
    method: 'POST',
    headers: {
      cookie: jars.get(form.signedIn) ?? '',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('CSRF on every page form', () => {
  it('finds the forms of the pages (sign-up, sign-in, sign-out, subscribe)', () => {
    const actions = new Set([...forms.values()].map((f) => f.action.split('?')[0]));
    for (const expected of ['/signup', '/login', '/logout', '/subscribe'])
      expect(actions).toContain(expected);
  });

  const attacks: Record<
    string,
    (f: Form) => { fields: Record<string, string>; headers: Record<string, string> }
  > = {
    'without the token': (f) => {
      const { csrf: _csrf, ...rest } = f.hidden;
      return { fields: { ...rest, ...fieldsFor(f) }, headers: { origin: BASE } };
    },
    'with a forged token': (f) => ({
      fields: { ...f.hidden, csrf: 'A'.repeat(43), ...fieldsFor(f) },
      headers: { origin: BASE },
    }),
    'from a foreign Origin': (f) => ({
      fields: { ...f.hidden, ...fieldsFor(f) },
      headers: { origin: 'https://evil.example' },
    }),
    'from a look-alike Origin': (f) => ({
      fields: { ...f.hidden, ...fieldsFor(f) },
      headers: { origin: `${BASE}.evil.example` },
    }),
    'with a foreign Referer and no Origin': (f) => ({
      fields: { ...f.hidden, ...fieldsFor(f) },
      headers: { referer: 'https://evil.example/page' },
    }),
    'with neither Origin nor Referer': (f) => ({ fields: { ...f.hidden, ...fieldsFor(f) }, headers: {} }),
  };

  for (const [name, attack] of Object.entries(attacks)) {
    it(`refuses every form ${name}, changing nothing`, async () => {
      expect(forms.size).toBeGreaterThan(0);
      for (const [key, form] of forms) {
        const { fields, headers } = attack(form);
        const res = await unchanged(w, () => post(form, fields, headers));
        expect(res.status, `${key} (${form.page}) ${name}: ${res.text.slice(0, 200)}`).toBe(403);
        expect(res.headers.getSetCookie().filter((c) => c.includes('onepass_session'))).toEqual([]);
      }
      const me = await w.h.call('GET', '/v1/me', { token: reader.token });
      expect(me.status).toBe(200);
    });
  }

  const foreignHeaders: Array<[string, Record<string, string>]> = [
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['no Origin and no Referer', {}],
    ['only a foreign Referer', { referer: 'https://evil.example/page' }],
    ['a malformed Referer', { referer: 'not a url' }],
  ];
  for (const [name, extra] of foreignHeaders) {
    it(`the JSON API refuses a cookie-authenticated mutation with ${name}`, async () => {
      const headers = { cookie: reader.cookie, ...extra };
      await unchanged(w, async () => {
        for (const [method, path, body] of [
          ['DELETE', '/v1/me', { password: PASSWORD }],
          ['DELETE', '/v1/sessions/current', undefined],
          ['POST', '/v1/me/checkout', { plan: 'monthly' }],
          ['POST', '/v1/me/entitlement-token', { publisher: pub.id }],
        ] as const) {
          const res = await w.h.call(method, path, { headers, body });
          expect(res.status, `${method} ${path}: ${res.text}`).toBe(403);
        }
      });
    });
  }

  it('the JSON API accepts a cookie-authenticated call from our own page (Origin, or Referer alone)', async () => {
    const own: Array<Record<string, string>> = [
      { cookie: reader.cookie, origin: BASE },
      { cookie: reader.cookie, referer: `${BASE}/account` },
    ];
    for (const headers of own) {
      // Past the origin check and signed in: this reader's trial has ended, so the answer is 402.
      const res = await w.h.call('POST', '/v1/me/entitlement-token', {
        headers,
        body: { publisher: pub.id },
      });
      expect(res.status, res.text).toBe(402);
      expect(res.json.code).toBe('not_entitled');
    }
  });
});
