/**
 * @module The reader's journey, written once and run on every door: sign-up and its trial, a token
 * the publisher SDK verifies offline against the service's own JWKS, the trial's end, one trial per
 * person, sign-in and sign-out, and what is stored (hashes only).
 */
import { createEntitlementVerifier } from '@onepass/verify';
import { sql } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door, signUp, uniqueEmail } from '../support/door';

const DAY = 86_400_000;

function verifierFor(door: Door, publisherId: string) {
  return createEntitlementVerifier({ issuer: door.base, publisherId, fetch: door.fetch });
}

async function countReaders(door: Door): Promise<number> {
  const [row] = await door.query<{ n: number }>(sql`SELECT count(*) AS n FROM readers`);
  return row?.n ?? 0;
}

export function readerJourney(door: () => Door): void {
  describe(`sign-up → trial → token → offline verification`, () => {
    it('gives a new reader a 14-day trial and a session (Bearer and cookie)', async () => {
      const before = Date.now();
      const { res, token } = await signUp(door());
      expect(res.status).toBe(201);
      const body = res.json;
      expect(body.reader.id).toMatch(/^rdr_[a-z2-7]{20}$/);
      expect(body.reader.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(body.membership.status).toBe('trialing');
      const trialEnd = Date.parse(body.membership.trial_ends_at);
      const created = Date.parse(body.reader.created_at);
      expect(trialEnd - created).toBe(14 * DAY);
      expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^__Host-onepass_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Path=/');

      const me = await door().call('GET', '/v1/me', { token });
      expect(me.status).toBe(200);
      // An unconfirmed address keeps the trial for its first day (test/journeys/address.ts).
      expect(me.json.entitlement).toEqual({
        entitled: true,
        reason: null,
        until: me.json.email_verification.required_from,
      });
      expect(Date.parse(me.json.email_verification.required_from)).toBe(
        Date.parse(body.reader.created_at) + 86_400_000,
      );
      expect(me.headers.get('cache-control')).toBe('no-store');

      const viaCookie = await door().call('GET', '/v1/me', {
        headers: { cookie: cookie.split(';')[0] ?? '' },
      });
      expect(viaCookie.status).toBe(200);
      expect(viaCookie.json.reader.id).toBe(body.reader.id);
    });

    it('issues a token that the publisher SDK verifies against the JWKS served by the same Worker', async () => {
      const { publisher } = await createPublisher(door());
      const other = await createPublisher(door(), 'Another Gazette', ['https://gazette.example']);
      const { token: session, reader, res } = await signUp(door());

      const issued = await door().call('POST', '/v1/me/entitlement-token', {
        token: session,
        body: { publisher: publisher.id, article: 'budget-2027' },
      });
      expect(issued.status).toBe(200);
      const header = decodeProtectedHeader(issued.json.token);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'entitlement+jwt' });

      const jwks = await door().call('GET', '/.well-known/jwks.json');
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
      expect(jwks.json.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
      for (const key of jwks.json.keys) expect(key).not.toHaveProperty('d');

      const claims = await verifierFor(door(), publisher.id).verify(issued.json.token);
      expect(claims.iss).toBe(door().base);
      expect(claims.aud).toBe(publisher.id);
      expect(claims.scope).toBe('full_text');
      expect(claims.membership).toBe('trial');
      expect(claims.article).toBe('budget-2027');
      expect(claims.sub).not.toContain(reader.id);
      expect(claims.exp - claims.iat).toBe(600);
      // Within the day-one rule's first day: the entitlement ends with that day, before the trial does.
      expect(claims.entitled_until).toBe(Date.parse(res.json.reader.created_at) / 1000 + 86_400);
      expect(claims.entitled_until).toBeLessThan(Date.parse(res.json.membership.trial_ends_at) / 1000);
      expect(Date.parse(issued.json.expires_at) / 1000).toBe(claims.exp);

      // Pairwise: stable for one publisher, different for another, never the reader id.
      const again = await door().call('POST', '/v1/me/entitlement-token', {
        token: session,
        body: { publisher: publisher.id },
      });
      const elsewhere = await door().call('POST', '/v1/me/entitlement-token', {
        token: session,
        body: { publisher: other.publisher.id },
      });
      const againClaims = decodeJwt(again.json.token);
      const elsewhereClaims = decodeJwt(elsewhere.json.token);
      expect(againClaims.sub).toBe(claims.sub);
      expect(againClaims.jti).not.toBe(claims.jti);
      expect(elsewhereClaims.sub).not.toBe(claims.sub);
      expect(againClaims).not.toHaveProperty('article');

      // The other publisher's token is refused by this publisher's verifier.
      await expect(verifierFor(door(), publisher.id).verify(elsewhere.json.token)).rejects.toMatchObject({
        code: 'wrong_audience',
      });
    });

    it('never lets a token outlive the entitlement: exp = min(iat + TTL, trial end)', async () => {
      const { publisher } = await createPublisher(door());
      const { token, reader } = await signUp(door());
      const endsAt = new Date(Date.now() + 120_000);
      endsAt.setMilliseconds(0);
      const set = await door().call('POST', `/v1/admin/members/${reader.id}/trial`, {
        token: door().adminKey,
        body: { ends_at: endsAt.toISOString() },
      });
      expect(set.status).toBe(200);
      const issued = await door().call('POST', '/v1/me/entitlement-token', {
        token,
        body: { publisher: publisher.id },
      });
      const claims = decodeJwt(issued.json.token);
      expect(claims.exp).toBe(endsAt.getTime() / 1000);
      expect(claims.entitled_until).toBe(endsAt.getTime() / 1000);
    });

    it('answers 402 not_entitled once an admin has ended the trial', async () => {
      const { publisher } = await createPublisher(door());
      const { token, reader } = await signUp(door());
      const ended = await door().call('POST', `/v1/admin/members/${reader.id}/trial`, {
        token: door().adminKey,
        body: { ends_at: new Date(Date.now() - 1000).toISOString() },
      });
      expect(ended.status).toBe(200);
      expect(ended.json.status).toBe('expired');

      const denied = await door().call('POST', '/v1/me/entitlement-token', {
        token,
        body: { publisher: publisher.id },
      });
      expect(denied.status).toBe(402);
      expect(denied.headers.get('content-type')).toBe('application/problem+json');
      expect(denied.json).toMatchObject({
        status: 402,
        code: 'not_entitled',
        reason: 'trial_expired',
        subscribe_url: `${door().base}/subscribe?publisher=${publisher.id}`,
      });
      expect(denied.json.request_id).toMatch(/^req_/);

      const me = await door().call('GET', '/v1/me', { token });
      expect(me.json.entitlement).toEqual({ entitled: false, reason: 'trial_expired', until: null });
      expect(me.json.membership.status).toBe('expired');
    });

    it('refuses a second account for the same person: any case, plus-tags, Gmail dots', async () => {
      const base = `Jane.Doe.${Date.now().toString(36)}`;
      await signUp(door(), `${base}@gmail.com`);
      const readersBefore = await countReaders(door());
      for (const variant of [
        `${base.toUpperCase()}@GMAIL.COM`,
        `  ${base}@gmail.com  `,
        `${base}+news@gmail.com`,
        `${base.replace(/\./g, '')}@googlemail.com`,
      ]) {
        const res = await door().call('POST', '/v1/readers', {
          body: { email: variant, password: 'another password' },
        });
        expect(res.status, variant).toBe(409);
        expect(res.json.code).toBe('email_taken');
      }
      expect(await countReaders(door())).toBe(readersBefore);
    });

    it('signs in with the same 401 for a wrong password and for an unknown email', async () => {
      const { email, password } = await signUp(door());
      const ok = await door().call('POST', '/v1/sessions', {
        body: { email: email.toUpperCase(), password },
      });
      expect(ok.status).toBe(200);
      expect(ok.json.session_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const wrong = await door().call('POST', '/v1/sessions', {
        body: { email, password: 'not the password' },
      });
      const unknown = await door().call('POST', '/v1/sessions', {
        body: { email: uniqueEmail('ghost'), password },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const { request_id: _a, ...wrongBody } = wrong.json;
      const { request_id: _b, ...unknownBody } = unknown.json;
      expect(wrongBody).toEqual(unknownBody);
    });

    it('ends the session at sign-out: Bearer and cookie stop working', async () => {
      const { token } = await signUp(door());
      const out = await door().call('DELETE', '/v1/sessions/current', { token });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      const me = await door().call('GET', '/v1/me', { token });
      expect(me.status).toBe(401);
      expect(me.json.code).toBe('unauthenticated');
    });

    it('publishes its configuration for publishers', async () => {
      const res = await door().call('GET', '/.well-known/paywall-configuration');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        issuer: door().base,
        jwks_uri: `${door().base}/.well-known/jwks.json`,
        token_endpoint: `${door().base}/v1/me/entitlement-token`,
        access_endpoint: `${door().base}/access`,
        introspection_endpoint: `${door().base}/v1/tokens/introspect`,
        algorithms: ['ES256'],
      });
    });

    it('stores sessions only as hashes', async () => {
      const { token } = await signUp(door());
      const [hit] = await door().query<{ n: number }>(
        sql`SELECT count(*) AS n FROM sessions WHERE token_hash = ${token}`,
      );
      expect(hit?.n).toBe(0);
    });

    it('keeps one trial per person: a deleted account leaves only the keyed hash, which still counts', async () => {
      const local = `once${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const first = await signUp(door(), `${local}@gmail.com`, 'pass phrase 1');
      expect(first.res.json.membership.status).toBe('trialing');
      const gone = await door().call('DELETE', '/v1/me', {
        token: first.token,
        body: { password: 'pass phrase 1' },
      });
      expect(gone.status).toBe(204);
      const claims = await door().query<{ identity_hash: string }>(
        sql`SELECT identity_hash FROM trial_claims`,
      );
      for (const row of claims) expect(row.identity_hash).not.toContain(local);

      const dotted = local.split('').join('.').toUpperCase();
      const again = await door().call('POST', '/v1/readers', {
        body: { email: `${dotted}+again@gmail.com`, password: 'pass phrase 2' },
      });
      expect(again.status).toBe(201);
      expect(again.json.membership.status).toBe('expired');
      const me = await door().call('GET', '/v1/me', { token: again.json.session_token });
      expect(me.json.entitlement).toEqual({ entitled: false, reason: 'trial_expired', until: null });
    });

    it('stores passwords as self-describing PBKDF2-SHA256 hashes', async () => {
      const { reader } = await signUp(door());
      const rows = await door().query<{ password_hash: string }>(
        sql`SELECT password_hash FROM readers WHERE id = ${reader.id}`,
      );
      expect(rows[0]?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    });
  });
}
