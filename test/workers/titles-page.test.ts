/**
 * `/titles` in workerd on D1: every member publisher with its description (escaped), homepage and
 * logo; images allowed from the logos' own origins only; linked from the landing and account pages.
 */
import { describe, expect, it } from 'vitest';
import { call, createPublisher } from './helpers';
import { Browser, signedInBrowser } from './page-client';

describe('/titles', () => {
  it('lists the publishers with their description, homepage and logo', async () => {
    const { api_key } = await createPublisher('Harbour <Gazette>', ['https://harbour.example']);
    const set = await call('PATCH', '/v1/publisher', {
      token: api_key,
      body: {
        description: 'News from the <harbour> & the docks.',
        homepage_url: 'https://harbour.example/',
        logo_url: 'https://img.harbour.example/logo.png',
      },
    });
    expect(set.status).toBe(200);
    const page = await new Browser().request('/titles');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="https://harbour.example/">Harbour &lt;Gazette&gt;</a>');
    expect(page.text).toContain('News from the &lt;harbour&gt; &amp; the docks.');
    expect(page.text).toMatch(
      /<img src="https:\/\/img\.harbour\.example\/logo\.png" alt="Harbour &lt;Gazette&gt; logo" width="48" height="48" loading="lazy" referrerpolicy="no-referrer"/,
    );
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src data: [^;]*https:\/\/img\.harbour\.example/);
    expect(csp).not.toMatch(/img-src[^;]*https:(?!\/\/)/);
    expect(csp).not.toContain('script-src');
  });

  it('is linked from the landing page and the account page', async () => {
    expect((await new Browser().request('/')).text).toContain('href="/titles"');
    const { browser } = await signedInBrowser();
    expect((await browser.request('/account')).text).toContain('href="/titles"');
  });
});
