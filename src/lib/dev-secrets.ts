/**
 * @module Development secrets: generated once for a local machine and kept in `.dev.vars`.
 *
 * Used by `npm run dev` (before wrangler starts, which reads `.dev.vars` itself) and by the Node
 * door outside production. Never used in production, where a missing secret stops the service.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { randomToken } from './crypto';

export type DevSecrets = Record<'ENTITLEMENT_SIGNING_KEY' | 'PAIRWISE_SECRET' | 'ADMIN_API_KEY', string>;

export async function generateSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'sha256');
  return JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid });
}

export async function generateDevSecrets(): Promise<DevSecrets> {
  return {
    ENTITLEMENT_SIGNING_KEY: await generateSigningJwk(),
    PAIRWISE_SECRET: randomToken(32),
    ADMIN_API_KEY: `ak_dev_${randomToken(24)}`,
  };
}

/** Parses the `KEY=value` lines of a `.dev.vars` / `.env` file (values may be single/double quoted). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    let value = match[2];
    if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
      value = value.slice(1, -1);
    }
    out[match[1]] = value;
  }
  return out;
}

export function formatDotenv(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}='${v}'`)
    .join('\n');
}
