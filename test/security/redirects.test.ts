/** @module Open redirects: `/access` `return_to`, the pages' `next`, sign-out's `return_to` and checkout's return URLs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../support/node-door';
import {
  createPublisher,
  expectProblem,
  type Publisher,
  type Reader,
  raw,
  signUp,
  startWorld,
  unchanged,
  type World,
} from './world';

let w: World;
let pub: Publisher;
let reader: Reader;

beforeAll(async () => {
  w = await startWorld();
  pub = await createPublisher(w, 'News', 'https://news.example');
  reader = await signUp(w);
});
afterAll(() => w.close());

/** Each would leave for evil.example (or run script) if a parser "repaired" or misread it. */
const HOSTILE_RETURN_TO = [
  'https://news.example@evil.example/',
  'https://news.example:pw@evil.example/',
  'https://evil.example\\@news.example/',
  'https://news.example\\.evil.example/',
  'https:\\\\evil.example/',
  'https:/\\evil.example/',
  'https://evil.example%2f@news.example/',
  'https://evil.example%2F.news.example/',
  'https://news.example%2f%2f@evil.example/',
  'https://news%2eexample/',
  'javascript:alert(document.domain)//https://news.example/',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '//evil.example/',
  '///evil.example/',
  '/\\evil.example/',
  'http://news.example/',
  'https://news.example:8443/',
  'https://evil.example/',
  'https://news.example.evil.example/',
  'https://evil.example/?https://news.example/',
  ' https://evil.example/',
  'https://news.example\t.evil.example/',
  'https://news.example\n@evil.example/',
  'https:evil.example',
  'ftp://news.example/',
];

/** Continuations that must never leave this service's origin. */
const HOSTILE_NEXT = [
  '//evil.example/',
  '/\\evil.example/',
  '\\\\evil.example',
  '/.//evil.example',
  '/%2F%2Fevil.example',
  '/\t/evil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  '/@evil.example',
  '///evil.example',
];

/** A Location that stays on this service: a single-slash path or our own origin. */
function stays(location: string | null): boolean {
  if (location === null) return true;
  if (/^\/(?![/\\])/.test(location)) return new URL(location, BASE).origin === BASE;
  return location.startsWith(`${BASE}/`);
}

describe('/access return_to', () => {
  it('sends an entitled reader back to a registered origin (control)', async () => {
    const q = new URLSearchParams({ publisher: pub.id, return_to: 'https://news.example/a?x=1' });
    const res = await raw(w, `/access?${q}`, { headers: { cookie: reader.cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^https:\/\/news\.example\/a\?x=1&paywall_code=/);
  });

  for (const returnTo of HOSTILE_RETURN_TO) {
    it(`refuses ${JSON.stringify(returnTo)} with a 400 page, no redirect, no code`, async () => {
      const q = new URLSearchParams({ publisher: pub.id, return_to: returnTo });
      for (const cookie of [reader.cookie, '']) {
        const res = await unchanged(w, () => raw(w, `/access?${q}`, { headers: cookie ? { cookie } : {} }));
        expect(res.status, res.text.slice(0, 200)).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(res.text).not.toContain('evil.example');
      }
      const silent = await raw(w, `/access?${q}&prompt=none`);
      expect(silent.status).toBe(400);
      expect(silent.headers.get('location')).toBeNull();
    });
  }
});

describe('next on the pages', () => {
  for (const next of HOSTILE_NEXT) {
    it(`keeps ${JSON.stringify(next)} on this origin`, async () => {
      const q = `next=${encodeURIComponent(next)}`;
      for (const path of ['/login', '/signup', '/subscribe/success']) {
        const res = await raw(w, `${path}?${q}`, { headers: { cookie: reader.cookie } });
        expect(res.status).toBeLessThan(500);
        expect(stays(res.headers.get('location')), `${path}?${q} → ${res.headers.get('location')}`).toBe(
          true,
        );
        expect(res.text).not.toMatch(/href="(https?:)?\/\/evil\.example|href="[^"]*javascript:/i);
      }
      for (const path of ['/login', '/signup', '/subscribe/cancel']) {
        const page = await raw(w, `${path}?${q}`);
        expect(page.text).not.toMatch(
          /(href|value|action)="(https?:)?\/\/evil\.example|(href|action)="[^"]*javascript:/i,
        );
      }
    });
  }

  it('sign-out without a session ignores a foreign return_to', async () => {
    for (const returnTo of HOSTILE_RETURN_TO) {
      const res = await raw(w, '/logout', {
        method: 'POST',
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ publisher: pub.id, return_to: returnTo }).toString(),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
      const link = await raw(w, `/logout?${new URLSearchParams({ publisher: pub.id, return_to: returnTo })}`);
      expect(link.status).toBe(400);
      expect(link.headers.get('location')).toBeNull();
    }
  });
});

describe('checkout return URLs', () => {
  // These two parse to https://news.example itself (a path, a decoded host): not foreign for Stripe.
  const hostile = HOSTILE_RETURN_TO.filter(
    (u) => !u.startsWith('https://news.example\\') && !u.includes('%2e'),
  );
  for (const field of ['success_url', 'cancel_url']) {
    it(`refuses a foreign or non-http ${field} (400), nothing written`, async () => {
      for (const url of hostile) {
        const res = await unchanged(w, () =>
          w.h.call('POST', '/v1/me/checkout', {
            token: reader.token,
            body: { plan: 'monthly', [field]: url },
          }),
        );
        expect(res.status, `${url}: ${res.text}`).toBe(400);
        expect(res.json.code).toBe('invalid_request');
      }
    });
  }
});

it('a foreign success_url is refused before Stripe is called (problem+json)', async () => {
  const res = await w.h.call('POST', '/v1/me/checkout', {
    token: reader.token,
    body: { plan: 'annual', success_url: 'https://evil.example/done' },
  });
  expectProblem(res, 400);
});
