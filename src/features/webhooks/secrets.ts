/**
 * @module Webhook signing secrets: made (`whsec_` + base64 of 32 random bytes), sealed at rest with
 * AES-GCM under a key derived from PAIRWISE_SECRET (bound to the endpoint id), and the Standard
 * Webhooks signature `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
import type { Config } from '../../app/config';
import { hmacSha256, randomBytes } from '../../lib/crypto';
import { base64url, utf8 } from '../../lib/encoding';
import { oncePer } from '../../lib/once-per';

const PREFIX = 'whsec_';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = normal + '='.repeat((4 - (normal.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
}

/** A new signing secret, shown once to the publisher. */
export function newSigningSecret(): string {
  return `${PREFIX}${toBase64(randomBytes(32))}`;
}

const sealingKey = oncePer(async (config: Config) => {
  const raw = fromBase64(await hmacSha256(config.pairwiseSecret, 'onepass:webhook-secret-key:v1'));
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
});

/** `v1.<iv>.<ciphertext>`: the secret encrypted, authenticated together with the endpoint's id. */
export async function sealSecret(config: Config, endpointId: string, secret: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(endpointId) },
    await sealingKey(config),
    utf8.encode(secret),
  );
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

export async function unsealSecret(config: Config, endpointId: string, sealed: string): Promise<string> {
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) throw new Error('unknown sealed secret format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(iv), additionalData: utf8.encode(endpointId) },
    await sealingKey(config),
    fromBase64(body),
  );
  return new TextDecoder().decode(plain);
}

/** The `v1,<base64>` signature of one message under one secret. */
export async function signatureOf(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, utf8.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three Standard Webhooks headers; every secret given signs (a rotation sends two signatures). */
export async function webhookHeaders(
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): Promise<Record<string, string>> {
  const signatures = await Promise.all(secrets.map((s) => signatureOf(s, id, timestamp, body)));
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
    'user-agent': 'OnePass-Webhooks/1',
  };
}
