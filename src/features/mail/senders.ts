/**
 * @module The senders behind the outbox's `MailSender` interface: an HTTP email API
 * (Resend-compatible) when configured, the console in development, and in production without a
 * provider a sender that refuses, so that messages are dead-lettered rather than printed (a reset
 * link in a log is a leaked credential).
 */
import type { Config, MailConfig } from '../../app/config';
import type { AppContext } from '../../app/context';
import type { MailSender } from './outbox';
import { renderMail } from './templates';

/** What the provider is sent: the Resend `POST /emails` shape (also accepted by many others). */
export interface MailRequestBody {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

const MAIL_TIMEOUT_MS = 10_000;

/**
 * Posts each message as JSON with `Authorization: Bearer <MAIL_API_KEY>`. Any non-2xx answer or
 * network failure throws, so that `deliverOutbox` retries with backoff and dead-letters after
 * `MAX_MAIL_ATTEMPTS`. The outbox id goes along as `Idempotency-Key`: a retry after a timeout
 * whose first attempt did reach the provider is not sent twice (where the provider supports it).
 */
export function httpMailSender(
  ctx: AppContext,
  mail: MailConfig,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): MailSender {
  return {
    async send(message) {
      const rendered = await renderMail(ctx.config, message);
      const body: MailRequestBody = {
        from: mail.from,
        to: message.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
      };
      const res = await fetchImpl(mail.apiUrl.href, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${mail.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': message.id,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(MAIL_TIMEOUT_MS),
      });
      if (!res.ok) {
        // The provider's own error text helps the operator (it lands in outbox.last_error); it never holds our key.
        const detail = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
        throw new Error(`mail API answered ${res.status}${detail ? `: ${detail}` : ''}`);
      }
      await res.body?.cancel();
      ctx.logger.info('mail sent', { mail_id: message.id, template: message.template });
    },
  };
}

/** Development and tests: the rendered message on the console, so a reset link can be followed. */
export function consoleMailSender(ctx: AppContext): MailSender {
  return {
    async send(message) {
      const rendered = await renderMail(ctx.config, message);
      ctx.logger.info('mail', {
        mail_id: message.id,
        to: message.to,
        template: message.template,
        subject: rendered.subject,
        text: rendered.text,
      });
    },
  };
}

/** Production without a provider: refuses every message, naming the missing variable, and prints no content. */
export function unconfiguredMailSender(): MailSender {
  return {
    async send() {
      throw new Error('no mail provider is configured (set MAIL_API_URL, MAIL_API_KEY and MAIL_FROM)');
    },
  };
}

const warned = new WeakSet<Config>();

/** The sender the scheduled jobs use on both doors. */
export function senderFor(ctx: AppContext): MailSender {
  const mail = ctx.config.mail;
  if (mail) return httpMailSender(ctx, mail);
  if (ctx.config.environment !== 'production') return consoleMailSender(ctx);
  if (!warned.has(ctx.config)) {
    warned.add(ctx.config);
    ctx.logger.warn('mail is not configured: outbox messages will be dead-lettered, not sent', {
      missing: 'MAIL_API_URL',
    });
  }
  return unconfiguredMailSender();
}
