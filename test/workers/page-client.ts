/** @module A cookie jar over the Worker's own fetch, for page flows without a real browser. */
import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { BASE, call, uniqueEmail } from './helpers';

/** A cookie jar over SELF.fetch that does not follow redirects: what a browser keeps between pages. */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(
    path: string,
    options: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await SELF.fetch(`${BASE}${path}`, {
      method: options.method ?? (options.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A same-origin form submission, as the browser sends it from our own page. */
  submit(path: string, form: Record<string, string>, headers: Record<string, string> = { origin: BASE }) {
    return this.request(path, { form, headers });
  }

  get session(): string | undefined {
    return this.cookies.get('__Host-onepass_session');
  }
}

export function csrfOf(html: string, action: string): string {
  const form = html.split('<form').find((part) => part.includes(`action="${action}"`)) ?? '';
  const token = /name="csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!token) throw new Error(`no csrf token in the ${action} form`);
  return token;
}

/** A browser that signed up through the page, with its session cookie. */
export async function signedInBrowser(): Promise<{ browser: Browser; email: string; readerId: string }> {
  const browser = new Browser();
  const page = await browser.request('/signup');
  const email = uniqueEmail('page');
  const res = await browser.submit('/signup', {
    csrf: csrfOf(page.text, '/signup'),
    email,
    password: 'correct horse battery',
  });
  expect(res.status).toBe(303);
  const me = await call('GET', '/v1/me', { token: browser.session });
  return { browser, email, readerId: me.json.reader.id };
}
