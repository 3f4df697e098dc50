/**
 * @module The one place that reads the environment: a zod schema turning variables into a typed Config.
 *
 * Both doors hand their raw variables here (Workers bindings, or `process.env` on Node). In
 * `production` every secret must be set; in `development` and `test` the doors generate missing
 * secrets before calling `loadConfig` (see `src/lib/dev-secrets.ts`). A malformed value is refused
 * in every environment, with a message that names the variable.
 */
import { calculateJwkThumbprint, type JWK } from 'jose';
import { z } from 'zod';
import { DISPUTE_POLICIES } from '../domain/billing';
import { type LimitRule, parseLimit } from '../domain/limits';
import { EMULATOR_DEFAULTS, stripeApiBase, usesEmulator } from './stripe-target';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];

export { EMULATOR_DEFAULTS, STRIPE_API_ORIGIN, stripeApiBase, usesEmulator } from './stripe-target';

/** Secrets that production refuses to run without, in the order they are reported. */
export const REQUIRED_SECRETS = [
  'ENTITLEMENT_SIGNING_KEY',
  'PAIRWISE_SECRET',
  'ADMIN_API_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'STRIPE_PRICE_MONTHLY',
  'STRIPE_PRICE_ANNUAL',
] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const ecPrivateJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(40),
  y: z.string().min(40),
  d: z.string().min(40),
  kid: z.string().min(1).optional(),
});

const ecPublicJwk = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().min(40),
    y: z.string().min(40),
    kid: z.string().min(1),
  })
  .loose()
  .refine((jwk) => !('d' in jwk), { error: 'previous keys must be public keys (no "d")' });

function intInRange(name: string, min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

const limitRule = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx): LimitRule => {
      const rule = parseLimit(value === undefined || value === '' ? fallback : value);
      if (!rule) {
        ctx.addIssue({ code: 'custom', message: 'must be a count per window, e.g. 10/15m or 50 per hour' });
        return z.NEVER;
      }
      return rule;
    });

const jsonText = <T extends z.ZodType>(schema: T, what: string) =>
  z.string().transform((text, ctx): z.output<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be ${what} as JSON` });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${what}: ${result.error.issues[0]?.message ?? 'invalid'}`,
      });
      return z.NEVER;
    }
    return result.data;
  });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const rawSchema = z.object({
  ENVIRONMENT: z
    .enum(ENVIRONMENTS, { error: 'must be development, test or production' })
    .default('development'),
  PUBLIC_URL: z.url({ error: 'must be an absolute URL' }).default('http://127.0.0.1:8787'),
  DATABASE_URL: optionalText,
  DATABASE_AUTH_TOKEN: optionalText,
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL'], { error: 'must be NORMAL or FULL' }).default('NORMAL'),
  ENTITLEMENT_SIGNING_KEY: jsonText(ecPrivateJwk, 'a private EC P-256 JWK').optional(),
  ENTITLEMENT_PREVIOUS_KEYS: jsonText(
    z.array(ecPublicJwk),
    'an array of public EC P-256 JWKs with kid',
  ).optional(),
  PAIRWISE_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  ADMIN_API_KEY: z.string().min(24, { error: 'must be at least 24 characters' }).optional(),
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_API_BASE: z
    .union([z.literal('stripe'), z.url()], { error: 'must be `stripe` or an absolute URL' })
    .optional(),
  STRIPE_PRICE_MONTHLY: optionalText,
  STRIPE_PRICE_ANNUAL: optionalText,
  STRIPE_TIMEOUT_MS: intInRange('STRIPE_TIMEOUT_MS', 100, 120_000, 15_000),
  STRIPE_AUTOMATIC_TAX: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  STRIPE_PORTAL_CONFIGURATION: z
    .string()
    .regex(/^bpc_\w+$/, { error: 'must be a billing portal configuration id (bpc_…)' })
    .optional(),
  STRIPE_RETENTION_COUPON: z
    .string()
    .regex(/^[\w-]{1,200}$/, { error: 'must be a Stripe coupon id' })
    .optional(),
  DEFAULT_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO currency code' })
    .optional()
    .transform((v) => v?.toLowerCase()),
  TRIAL_DAYS: intInRange('TRIAL_DAYS', 0, 365, 14),
  TOKEN_TTL_SECONDS: intInRange('TOKEN_TTL_SECONDS', 60, 3600, 600),
  GRACE_DAYS: intInRange('GRACE_DAYS', 0, 90, 7),
  DISPUTE_POLICY: z.enum(DISPUTE_POLICIES, { error: 'must be end or grace' }).default('end'),
  LIMIT_SIGNIN_FAILURES: limitRule('10/15m'),
  LIMIT_SIGNUPS: limitRule('50/1h'),
  LIMIT_PASSWORD_RESETS: limitRule('5/1h'),
  LIMIT_PUBLISHER_CALLS: limitRule('6000/1m'),
  LIMIT_SIGNIN_IP: limitRule('100/15m'),
  LIMIT_PASSWORD_RESETS_IP: limitRule('20/1h'),
  LIMIT_ACCESS_IP: limitRule('300/1m'),
  LIMIT_SIGNIN_MAILS: limitRule('5/1h'),
  LIMIT_SIGNIN_MAILS_IP: limitRule('20/1h'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  MAIL_API_URL: z.url({ error: 'must be an absolute URL' }).optional(),
  MAIL_API_KEY: optionalText,
  MAIL_FROM: optionalText,
  READS_UNBOUND_DAILY: intInRange('READS_UNBOUND_DAILY', 0, 10_000, 20),
  METER_FREE_ARTICLES: intInRange('METER_FREE_ARTICLES', 0, 1000, 0),
  SEAT_LIMIT: intInRange('SEAT_LIMIT', 1, 50, 5),
  PORT: intInRange('PORT', 0, 65_535, 8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  JOBS_INTERVAL_SECONDS: intInRange('JOBS_INTERVAL_SECONDS', 0, 86_400, 300),
});

/** `OnePass <no-reply@news.example>` or `no-reply@news.example`. */
const MAIL_FROM_SHAPE =
  /^(?:[^<>\r\n]{1,100} <[^\s@<>]{1,64}@[^\s@<>]+\.[^\s@<>]{2,}>|[^\s@<>]{1,64}@[^\s@<>]+\.[^\s@<>]{2,})$/;

/**
 * Mail is configured as a whole or not at all: a URL without its key or sender would only fail
 * later, at the first message. The key travels as a Bearer token, so production needs https.
 */
function mailConfig(raw: RawConfig, environment: Environment) {
  if (raw.MAIL_API_URL === undefined) {
    if (raw.MAIL_API_KEY !== undefined)
      throw new ConfigError('MAIL_API_URL', 'is required when MAIL_API_KEY is set');
    return null;
  }
  const apiUrl = new URL(raw.MAIL_API_URL);
  if (apiUrl.protocol !== 'https:' && apiUrl.protocol !== 'http:') {
    throw new ConfigError('MAIL_API_URL', 'must be an http(s) URL');
  }
  if (environment === 'production' && apiUrl.protocol !== 'https:' && !LOOPBACK_HOSTS.has(apiUrl.hostname)) {
    throw new ConfigError(
      'MAIL_API_URL',
      'must use https in production (plain http is allowed only on loopback)',
    );
  }
  if (raw.MAIL_API_KEY === undefined)
    throw new ConfigError('MAIL_API_KEY', 'is required when MAIL_API_URL is set');
  if (raw.MAIL_FROM === undefined) throw new ConfigError('MAIL_FROM', 'is required when MAIL_API_URL is set');
  if (!MAIL_FROM_SHAPE.test(raw.MAIL_FROM)) {
    throw new ConfigError('MAIL_FROM', 'must be an address or "Name <address>"');
  }
  /** The HTTP email API (Resend-compatible); `from` is `Name <address>` or a bare address. */
  return { apiUrl, apiKey: raw.MAIL_API_KEY, from: raw.MAIL_FROM };
}

function blankToUndefined(env: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(rawSchema.shape)) {
    const value = env[key];
    out[key] = typeof value === 'string' && value !== '' ? value : undefined;
  }
  return out;
}

type RawConfig = z.output<typeof rawSchema>;

/** The checks that span variables, and the shape the service reads: the output of the schema. */
async function buildConfig(raw: RawConfig) {
  const environment = raw.ENVIRONMENT;
  const publicUrl = new URL(raw.PUBLIC_URL);
  if (publicUrl.protocol !== 'https:' && publicUrl.protocol !== 'http:') {
    throw new ConfigError('PUBLIC_URL', 'must be an http(s) URL');
  }
  if (
    environment === 'production' &&
    publicUrl.protocol !== 'https:' &&
    !LOOPBACK_HOSTS.has(publicUrl.hostname)
  ) {
    throw new ConfigError(
      'PUBLIC_URL',
      'must use https in production (plain http is allowed only on loopback)',
    );
  }

  const stripeDefaults = usesEmulator(environment, raw) ? EMULATOR_DEFAULTS : {};
  const withDefaults: Record<string, unknown> = { ...stripeDefaults };
  for (const [key, value] of Object.entries(raw)) if (value !== undefined) withDefaults[key] = value;
  for (const name of REQUIRED_SECRETS) {
    if (withDefaults[name] === undefined) {
      throw new ConfigError(
        name,
        environment === 'production'
          ? 'is required in production and is not set'
          : 'is not set (npm run dev and npm start generate development secrets into .dev.vars)',
      );
    }
  }
  const signing = raw.ENTITLEMENT_SIGNING_KEY;
  if (!signing || !raw.PAIRWISE_SECRET || !raw.ADMIN_API_KEY) {
    throw new ConfigError('ENTITLEMENT_SIGNING_KEY', 'is required');
  }
  const { kid: givenKid, ...privateJwk } = signing;
  const { d: _d, ...publicParts } = privateJwk;
  const kid = await calculateJwkThumbprint(publicParts, 'sha256');
  if (givenKid !== undefined && givenKid !== kid) {
    throw new ConfigError(
      'ENTITLEMENT_SIGNING_KEY',
      `kid must be the key's RFC 7638 thumbprint (${kid}), or be left out to be computed`,
    );
  }
  const apiBase = stripeApiBase(withDefaults.STRIPE_API_BASE as string | undefined);
  const signingKey: { kid: string; privateJwk: JWK; publicJwk: JWK } = {
    kid,
    privateJwk: { ...privateJwk, kid, alg: 'ES256' },
    publicJwk: { ...publicParts, kid, alg: 'ES256', use: 'sig' },
  };
  return {
    environment,
    /** Base URL without a trailing slash; also the token issuer. */
    publicUrl: publicUrl.href.replace(/\/+$/, ''),
    database: {
      url: raw.DATABASE_URL,
      authToken: raw.DATABASE_AUTH_TOKEN,
      /** Node door, local file: SQLite's `synchronous` (WAL). NORMAL syncs at checkpoints, FULL at every commit. */
      synchronous: raw.SQLITE_SYNCHRONOUS,
    },
    signingKey,
    /** Public keys still published in the JWKS after a rotation. */
    previousKeys: (raw.ENTITLEMENT_PREVIOUS_KEYS ?? []).map(
      ({ kty, crv, x, y, kid }): JWK => ({
        kty,
        crv,
        x,
        y,
        kid,
        alg: 'ES256',
        use: 'sig',
      }),
    ),
    pairwiseSecret: raw.PAIRWISE_SECRET,
    adminApiKey: raw.ADMIN_API_KEY,
    stripe: {
      secretKey: String(withDefaults.STRIPE_SECRET_KEY),
      webhookSecret: String(withDefaults.STRIPE_WEBHOOK_SECRET),
      apiBase: apiBase ? new URL(apiBase) : undefined,
      prices: {
        monthly: String(withDefaults.STRIPE_PRICE_MONTHLY),
        annual: String(withDefaults.STRIPE_PRICE_ANNUAL),
      },
      /** Per-attempt timeout of a Stripe request; the SDK retries twice more. */
      timeoutMs: raw.STRIPE_TIMEOUT_MS,
      /** Stripe Tax in Checkout: tax computed from the billing address, tax ids collected. */
      automaticTax: raw.STRIPE_AUTOMATIC_TAX,
      /** The billing portal configuration portal sessions use (`npm run stripe:setup` prints it). */
      portalConfiguration: raw.STRIPE_PORTAL_CONFIGURATION,
      /** The coupon the portal's cancellation flow offers before a reader cancels; none when unset. */
      retentionCoupon: raw.STRIPE_RETENTION_COUPON,
      /** The currency when the reader's country says none the prices offer; else the prices' own. */
      defaultCurrency: raw.DEFAULT_CURRENCY,
    },
    trialDays: raw.TRIAL_DAYS,
    tokenTtlSeconds: raw.TOKEN_TTL_SECONDS,
    graceDays: raw.GRACE_DAYS,
    /** What an open card dispute does to access: `end` it at once, or `grace` (GRACE_DAYS from the dispute). */
    disputePolicy: raw.DISPUTE_POLICY,
    logLevel: raw.LOG_LEVEL,
    /** Rate limits (count per window); a count of 0 turns one off. */
    limits: {
      signinFailures: raw.LIMIT_SIGNIN_FAILURES,
      signups: raw.LIMIT_SIGNUPS,
      passwordResets: raw.LIMIT_PASSWORD_RESETS,
      publisherCalls: raw.LIMIT_PUBLISHER_CALLS,
      signinIp: raw.LIMIT_SIGNIN_IP,
      passwordResetsIp: raw.LIMIT_PASSWORD_RESETS_IP,
      accessIp: raw.LIMIT_ACCESS_IP,
      /** Sign-in mails asked for, per address (whether or not it has an account) and per IP. */
      signinMails: raw.LIMIT_SIGNIN_MAILS,
      signinMailsIp: raw.LIMIT_SIGNIN_MAILS_IP,
    },
    /**
     * Reads a reader's token counts per publisher and UTC day for articles the token was not issued
     * for (a token bound to an article counts only that one): what one reader can add to a
     * publisher's share, at most.
     */
    readsUnboundDaily: raw.READS_UNBOUND_DAILY,
    meterFreeArticles: raw.METER_FREE_ARTICLES,
    seatLimit: raw.SEAT_LIMIT,
    /** The HTTP email API; null: no provider, see `senderFor` in features/mail. */
    mail: mailConfig(raw, environment),
    /** Node door only (`npm start`): where it listens, whether to believe X-Forwarded-For, the jobs timer. */
    node: {
      port: raw.PORT,
      host: raw.HOST,
      trustProxy: raw.TRUST_PROXY,
      jobsIntervalSeconds: raw.JOBS_INTERVAL_SECONDS,
    },
  };
}

/** The environment schema and the config built from it: `Config` is its output, nothing hand-written. */
const configSchema = rawSchema.transform(buildConfig);

export type Config = z.output<typeof configSchema>;
export type SigningKey = Config['signingKey'];
export type MailConfig = NonNullable<Config['mail']>;

/** Parses and checks the environment. Throws `ConfigError` naming the first bad or missing variable. */
export async function loadConfig(env: Record<string, unknown>): Promise<Config> {
  // Checks across variables throw ConfigError from inside the transform; zod passes them through.
  const parsed = await configSchema.safeParseAsync(blankToUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  return parsed.data;
}
