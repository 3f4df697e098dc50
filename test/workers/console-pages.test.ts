/**
 * The consoles in workerd with D1: who gets in (nobody signed out, an unconfirmed address, an
 * address without a grant), an operator's dashboard and a form, a publisher owner's overview and
 * key, each form bound to its own path by its CSRF token, and the audit rows they leave.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { auditRowsFor } from './admin-helpers';
import { adminKey, call, createPublisher } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

async function confirmed() {
  const signed = await signedInBrowser();
  await env.DB.prepare('UPDATE readers SET email_verified_at = unixepoch() WHERE id = ?')
    .bind(signed.readerId)
    .run();
  return signed;
}

describe('the operator console on workerd', () => {
  it('sends a visitor to sign in and keeps the page for after', async () => {
    const res = await new Browser().request('/admin/members?q=a');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%2Fmembers%3Fq%3Da');
  });

  it('opens only to a confirmed address with a grant', async () => {
    const signed = await signedInBrowser();
    const grant = await call('POST', '/v1/admin/users', {
      token: adminKey(),
      body: { email: signed.email, role: 'admin' },
    });
    expect(grant.status).toBe(200);
    const unconfirmed = await signed.browser.request('/admin');
    expect(unconfirmed.status).toBe(403);
    expect(unconfirmed.text).toContain('Confirm your address first');
    const stranger = await confirmed();
    expect((await stranger.browser.request('/admin')).status).toBe(403);
  });

  it('shows the dashboard with its charts and takes a form bound to its own path', async () => {
    const { browser, email, readerId } = await confirmed();
    await call('POST', '/v1/admin/users', { token: adminKey(), body: { email, role: 'admin' } });
    const dashboard = await browser.request('/admin');
    expect(dashboard.status, dashboard.text).toBe(200);
    expect(dashboard.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const id of ['trials-per-day', 'members-over-time', 'mrr-over-time', 'reads-per-publisher'])
      expect(dashboard.text).toContain(`id="${id}"`);
    expect(dashboard.text).toContain('<svg');

    const keys = await browser.request('/admin/keys');
    const grantToken = csrfOf(keys.text, '/admin/users');
    // The token of one form does not work for another.
    const misused = await browser.submit('/admin/keys', { csrf: grantToken, name: 'x', role: 'admin' });
    expect(misused.status).toBe(403);
    const granted = await browser.submit('/admin/users', {
      csrf: grantToken,
      email: 'second@example.com',
      role: 'support',
    });
    expect(granted.status).toBe(200);
    expect(granted.text).toContain('second@example.com has the console as support');
    const [row] = await auditRowsFor('second@example.com');
    expect(row).toMatchObject({ action: 'admin_user.grant', actor_key_id: readerId });
  });
});

describe('staff invitations on workerd', () => {
  it('mails each invitation, even several to one address within a second', async () => {
    const { publisher } = await createPublisher('Invites Daily');
    const path = `/v1/admin/publishers/${publisher.id}/staff`;
    for (const role of ['viewer', 'owner', 'viewer']) {
      const res = await call('POST', path, { token: adminKey(), body: { email: 'twice@example.com', role } });
      expect(res.status, res.text).toBe(200);
      expect(res.json.role).toBe(role);
    }
    const mails = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE template = 'console_invite' AND to_address = 'twice@example.com'",
    ).first<{ n: number }>();
    expect(mails?.n).toBe(3);
    const again = await call('POST', path, {
      token: adminKey(),
      body: { email: 'twice@example.com', role: 'viewer' },
    });
    expect(again.status).toBe(200);
    const still = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE template = 'console_invite' AND to_address = 'twice@example.com'",
    ).first<{ n: number }>();
    // The same role again changes nothing and mails nobody.
    expect(still?.n).toBe(3);
  });
});

describe('the publisher console on workerd', () => {
  it('takes an invited owner to their publisher, draws its reads and makes a key', async () => {
    const { publisher } = await createPublisher('Console Daily');
    const { browser, email, readerId } = await confirmed();
    const invite = await call('POST', `/v1/admin/publishers/${publisher.id}/staff`, {
      token: adminKey(),
      body: { email, role: 'owner' },
    });
    expect(invite.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    await env.DB.prepare(
      "INSERT INTO reads (publisher_id, subject, article_id, day, membership, title, article_bound, created_at) VALUES (?, 's1', 'a1', ?, 'paid', 'First story', 1, unixepoch()), (?, 's2', 'a1', ?, 'paid', 'First story', 1, unixepoch())",
    )
      .bind(publisher.id, today, publisher.id, today)
      .run();

    const chooser = await browser.request('/publisher');
    expect(chooser.status).toBe(303);
    expect(chooser.headers.get('location')).toBe(`/publisher/${publisher.id}`);
    const overview = await browser.request(`/publisher/${publisher.id}`);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain('id="reads-per-day"');
    expect(overview.text).toMatch(/data-value="2"/);
    expect(overview.text).toContain('First story');

    const keysPath = `/publisher/${publisher.id}/keys`;
    const keys = await browser.request(keysPath);
    const made = await browser.submit(keysPath, { csrf: csrfOf(keys.text, keysPath), name: 'Edge worker' });
    expect(made.status).toBe(201);
    const apiKey = /id="new-key">([^<]+)</.exec(made.text)?.[1]?.trim() ?? '';
    expect(apiKey).toMatch(/^ppk_test_/);
    const profile = await call('GET', '/v1/publisher', { token: apiKey });
    expect(profile.json.id).toBe(publisher.id);
    const [audit] = (
      await env.DB.prepare(
        "SELECT actor_key_id FROM audit_log WHERE action = 'publisher_key.create' AND actor_key_id = ?",
      )
        .bind(readerId)
        .all()
    ).results;
    expect(audit).toBeDefined();

    // Another publisher's console is closed to them.
    const { publisher: other } = await createPublisher('Someone Else');
    expect((await browser.request(`/publisher/${other.id}`)).status).toBe(403);
  });
});
