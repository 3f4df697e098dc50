/**
 * @module How a webhook request leaves the service: the `WebhookTransport` of the app context (the
 * Node door's resolves the name, checks every address and connects to the one it checked), and the
 * fetch transport of Workers, which checks literal addresses (the platform refuses private
 * networks itself).
 */
import { classifyAddress, isLocalhostName } from '../../domain/addresses';

export interface OutboundRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Production: refuse any address that is not public (loopback, private, link-local…). */
  publicOnly: boolean;
}

export interface OutboundAnswer {
  status: number;
  /** The first bytes of the answer's body. */
  body: string;
}

/** Throws on a refused address, a network error or a timeout; any HTTP answer is returned. */
export type WebhookTransport = (request: OutboundRequest) => Promise<OutboundAnswer>;

/** Thrown when the destination is not one the service may reach. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

export const RESPONSE_EXCERPT_BYTES = 500;

/** Refuses a literal address (or `localhost`) that is not public. */
export function checkLiteralHost(host: string): void {
  const kind = classifyAddress(host);
  if (isLocalhostName(host)) throw new RefusedAddressError(`refused: ${host} is loopback`);
  if (kind !== null && kind !== 'public') throw new RefusedAddressError(`refused: ${host} is ${kind}`);
}

/** The first bytes of a body, read no further. */
export async function excerptOf(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, RESPONSE_EXCERPT_BYTES));
}

/** Workers (and the default): `fetch`, with no redirects followed. */
export const fetchTransport: WebhookTransport = async (request) => {
  if (request.publicOnly) checkLiteralHost(request.url.hostname);
  const res = await fetch(request.url.href, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  return { status: res.status, body: await excerptOf(res) };
};
