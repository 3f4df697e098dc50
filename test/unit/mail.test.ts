import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config';
import type { AppContext } from '../../src/app/context';
import type { Logger } from '../../src/app/logger';
import { httpMailSender, renderMail, resetToken, senderFor } from '../../src/features/mail';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

const secrets = await generateDevSecrets();
const production = {
  ...secrets,
  ENVIRONMENT: 'production',
  PUBLIC_URL: 'https://paywall.example',
  STRIPE_SECRET_KEY: 'sk_live_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
  STRIPE_PRICE_MONTHLY: 'price_m',
  STRIPE_PRICE_ANNUAL: 'price_a',
};
const mailEnv = {
  MAIL_API_URL: 'https://api.resend.com/emails',
  MAIL_API_KEY: 're_live_key',
  MAIL_FROM: 'OnePass <no-reply@paywall.example>',
};

async function refusal(env: Record<string, string | undefined>): Promise<ConfigError> {
  const error = await loadConfig(env).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

function recordingLogger(lines: { level: string; msg: string }[]): Logger {
  const logger: Logger = {
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
    child: () => logger,
  };
  return logger;
}

async function contextFor(env: Record<string, string>, lines: { level: string; msg: string }[] = []) {
  const config = await loadConfig(env);
  return {
    config,
    db: undefined,
    now: () => new Date(),
    logger: recordingLogger(lines),
  } as unknown as AppContext;
}

describe('mail configuration', () => {
  it('is optional, and parsed as a whole when given', async () => {
    expect((await loadConfig(production)).mail).toBeNull();
    const config = await loadConfig({ ...production, ...mailEnv });
    expect(config.mail?.apiUrl.href).toBe('https://api.resend.com/emails');
    expect(config.mail).toMatchObject({ apiKey: 're_live_key', from: 'OnePass <no-reply@paywall.example>' });
    expect((await loadConfig({ ...secrets, ...mailEnv, MAIL_FROM: 'bare@paywall.example' })).mail?.from).toBe(
      'bare@paywall.example',
    );
  });

  it.each([
    [{ MAIL_API_KEY: undefined }, 'MAIL_API_KEY'],
    [{ MAIL_FROM: undefined }, 'MAIL_FROM'],
    [{ MAIL_API_URL: undefined }, 'MAIL_API_URL'],
    [{ MAIL_API_URL: 'not a url' }, 'MAIL_API_URL'],
    [{ MAIL_API_URL: 'ftp://mail.example/send' }, 'MAIL_API_URL'],
    [{ MAIL_FROM: 'OnePass' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'OnePass <no-reply@paywall.example>\r\nBcc: x@y.example' }, 'MAIL_FROM'],
  ])('refuses an incomplete or malformed mail configuration %j, naming %s', async (change, variable) => {
    const error = await refusal({ ...secrets, ...mailEnv, ...change });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('re_live_key');
  });

  it('needs https for the mail API in production, except on loopback', async () => {
    const error = await refusal({ ...production, ...mailEnv, MAIL_API_URL: 'http://mail.example/send' });
    expect(error.variable).toBe('MAIL_API_URL');
    await expect(
      loadConfig({ ...production, ...mailEnv, MAIL_API_URL: 'http://127.0.0.1:2525/send' }),
    ).resolves.toBeTruthy();
  });
});

describe('mail templates', () => {
  it('renders each template with a subject and a plain-text body', async () => {
    const config = await loadConfig(secrets);
    const trial = await renderMail(config, {
      id: 'msg_1',
      to: 'r@example.com',
      template: 'trial_will_end',
      payload: { trial_end: '2026-12-11T22:50:00Z', plan: 'monthly' },
    });
    expect(trial.subject).toBe('Your OnePass trial ends soon');
    expect(trial.text).toContain('2026-12-11 22:50 UTC');
    expect(trial.text).toContain('monthly plan');
    expect(trial.text).toContain(`${config.publicUrl}/account`);

    const failed = await renderMail(config, {
      id: 'msg_2',
      to: 'r@example.com',
      template: 'payment_failed',
      payload: { grace_until: '2026-12-18T00:00:00Z', manage_url: 'http://127.0.0.1:8787/account' },
    });
    expect(failed.subject).toBe('Your OnePass payment failed');
    expect(failed.text).toContain('until 2026-12-18 00:00 UTC');

    const reset = await renderMail(config, {
      id: 'msg_3',
      to: 'r@example.com',
      template: 'password_reset',
      payload: { reset_ref: 'ref-123', expires_at: '2026-12-11T23:50:00Z' },
    });
    const token = await resetToken(config, 'ref-123');
    expect(reset.text).toContain(`${config.publicUrl}/reset-password?token=${token}`);
    expect(reset.text).toContain('before 2026-12-11 23:50 UTC');
  });

  it('refuses unknown templates and a reset mail without its ref (the outbox retries, then dead-letters)', async () => {
    const config = await loadConfig(secrets);
    const base = { id: 'msg_4', to: 'r@example.com', payload: {} };
    await expect(renderMail(config, { ...base, template: 'newsletter' })).rejects.toThrow(
      /unknown mail template/,
    );
    await expect(renderMail(config, { ...base, template: 'password_reset' })).rejects.toThrow(/reset_ref/);
  });
});

describe('choosing the sender', () => {
  it('uses the HTTP API when configured, and throws on a non-2xx answer', async () => {
    const ctx = await contextFor({ ...secrets, ...mailEnv });
    const mail = ctx.config.mail;
    if (!mail) throw new Error('mail not configured');
    const sent: RequestInit[] = [];
    const sender = httpMailSender(ctx, mail, async (_url, init) => {
      sent.push(init ?? {});
      return new Response('{"message":"rate limited"}', { status: sent.length === 1 ? 429 : 200 });
    });
    const message = { id: 'msg_5', to: 'r@example.com', template: 'payment_failed', payload: {} };
    await expect(sender.send(message)).rejects.toThrow('mail API answered 429: {"message":"rate limited"}');
    await expect(sender.send(message)).resolves.toBeUndefined();
    expect(new Headers(sent[0]?.headers).get('authorization')).toBe('Bearer re_live_key');
  });

  it('in production without a provider: warns once and refuses to send (no content printed)', async () => {
    const lines: { level: string; msg: string }[] = [];
    const ctx = await contextFor(production, lines);
    const sender = senderFor(ctx);
    senderFor(ctx);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    await expect(
      sender.send({
        id: 'msg_6',
        to: 'r@example.com',
        template: 'password_reset',
        payload: { reset_ref: 'x' },
      }),
    ).rejects.toThrow(/MAIL_API_URL/);
    expect(lines.filter((l) => l.msg === 'mail')).toHaveLength(0);
  });

  it('in development without a provider: the console, with the rendered message', async () => {
    const lines: { level: string; msg: string }[] = [];
    const ctx = await contextFor(secrets, lines);
    await senderFor(ctx).send({ id: 'msg_7', to: 'r@example.com', template: 'trial_will_end', payload: {} });
    expect(lines).toEqual([{ level: 'info', msg: 'mail' }]);
  });
});
