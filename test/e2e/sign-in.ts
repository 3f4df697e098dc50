/** @module Signing in by mail in the browser tests: the address, the code read from the dev inbox in another tab, the button. */
import type { BrowserContext, Page } from 'playwright-core';

/** Signs in by mail (which confirms the address), continuing to `next`; the caller waits for where it lands. */
export async function signInByMail(
  serviceUrl: string,
  ctxOf: BrowserContext,
  on: Page,
  email: string,
  next: string,
) {
  await on.goto(`${serviceUrl}/sign-in/email?next=${encodeURIComponent(next)}`);
  await on.getByLabel('Email address').fill(email);
  await on.getByRole('button', { name: 'Email me a link and code' }).click();
  await on.getByRole('heading', { name: 'Check your email' }).waitFor();
  const inbox = await ctxOf.newPage();
  await inbox.goto(`${serviceUrl}/dev/inbox`);
  const subject =
    (await inbox
      .locator('article.mail', { hasText: `To ${email}` })
      // The newest sign-in (or sign-up) mail: a welcome mail to a new account may arrive after it.
      .filter({ hasText: /sign-(in|up) code/ })
      .first()
      .getByRole('heading')
      .textContent()) ?? '';
  await inbox.close();
  await on.getByLabel('6-digit code').fill(subject.slice(0, 6));
  await on.getByRole('button', { name: 'Sign in', exact: true }).click();
}
