/**
 * @module `verifyWebhook`: checks a OnePass webhook delivery (Standard Webhooks: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`) with
 * WebCrypto alone, and returns the parsed event.
 */

/** Why a delivery was refused. Stable: branch on it, never on the message. */
export type WebhookErrorCode = 'missing_headers' | 'invalid_signature' | 'expired' | 'future' | 'malformed';

/** The error every refused delivery throws; `code` is stable, `message` is for logs. */
export class WebhookVerificationError extends Error {
  readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/** A verified OnePass event: `{type, timestamp, data}`. */
export interface WebhookEvent<T = Record<string, unknown>> {
  type: 'entitlement.ended' | 'keys.rotating' | 'statement.published' | 'test' | (string & {});
  timestamp: string;
  data: T;
  /** The `webhook-id`: the same on every retry, so a receiver can drop a repeat. */
  id: string;
}

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, in seconds (replay window). Default 300. */
  toleranceSeconds?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(normal + '='.repeat((4 - (normal.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Constant time in the length of the inputs. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function sign(secret: string, content: string): Promise<string> {
  const raw = base64Bytes(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(content))));
}

/**
 * Verifies a delivery against one secret, or several during a rotation (any one signing it is
 * enough), and returns the event. Pass the body exactly as received (the raw text, before any JSON
 * parsing). Throws {@link WebhookVerificationError}.
 *
 * @example
 * ```ts
 * app.post('/onepass/webhooks', async (c) => {
 *   const event = await verifyWebhook(await c.req.text(), c.req.raw.headers, process.env.ONEPASS_WEBHOOK_SECRET!);
 *   if (event.type === 'entitlement.ended') await endSessionsOf(event.data.sub);
 *   return c.body(null, 204);
 * });
 * ```
 */
export async function verifyWebhook<T = Record<string, unknown>>(
  body: string,
  headers: HeaderSource,
  secret: string | string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent<T>> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp))
    throw new WebhookVerificationError('malformed', 'webhook-timestamp is not unix seconds');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const at = Number(timestamp);
  if (at < now - tolerance) throw new WebhookVerificationError('expired', 'webhook-timestamp is too old');
  if (at > now + tolerance)
    throw new WebhookVerificationError('future', 'webhook-timestamp is too far in the future');
  const given = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => value ?? '');
  const secrets = Array.isArray(secret) ? secret : [secret];
  let valid = false;
  for (const s of secrets) {
    let expected: string;
    try {
      expected = await sign(s, `${id}.${timestamp}.${body}`);
    } catch {
      throw new WebhookVerificationError('malformed', 'The secret is not whsec_ followed by base64');
    }
    for (const g of given) if (equal(g, expected)) valid = true;
  }
  if (!valid) throw new WebhookVerificationError('invalid_signature', 'No signature matches the secret');
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('malformed', 'The body is not JSON');
  }
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('malformed', 'The body is not a OnePass event');
  }
  return { ...(event as Omit<WebhookEvent<T>, 'id'>), id };
}
