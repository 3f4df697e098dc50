/**
 * @module The Node door's webhook transport: the host name is resolved here, every address checked
 * (in production only public ones are allowed), and the socket connects to the address that was
 * checked, so a name that resolves again to somewhere else (DNS rebinding) cannot slip past.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyAddress } from '../../domain/addresses';
import {
  checkLiteralHost,
  type OutboundAnswer,
  RESPONSE_EXCERPT_BYTES,
  RefusedAddressError,
  type WebhookTransport,
} from './transport';

/** The address to connect to: the first the name resolves to that may be reached. */
async function checkedAddress(
  host: string,
  publicOnly: boolean,
): Promise<{ address: string; family: number }> {
  const found = await lookup(host, { all: true, verbatim: true });
  const allowed = found.filter((a) => !publicOnly || classifyAddress(a.address) === 'public');
  const first = allowed[0];
  if (!first) {
    const kinds = found.map((a) => `${a.address} (${classifyAddress(a.address) ?? 'unknown'})`).join(', ');
    throw new RefusedAddressError(`refused: ${host} resolves to no public address: ${kinds || 'none'}`);
  }
  return first;
}

function readExcerpt(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      resolve(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8'));
      res.destroy();
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) done();
    });
    res.on('end', done);
    res.on('error', done);
  });
}

export const nodeTransport: WebhookTransport = async (request) => {
  const host = request.url.hostname.replace(/^\[|\]$/g, '');
  const literal = classifyAddress(host) !== null;
  if (request.publicOnly) checkLiteralHost(host);
  const target = literal ? null : await checkedAddress(host, request.publicOnly);
  const pinned: LookupFunction = (_name, options, callback) => {
    if (!target) return callback(new Error('no address'), '', 4);
    if (options.all) return callback(null, [target]);
    return callback(null, target.address, target.family);
  };
  const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundAnswer>((resolve, reject) => {
    const req = send(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      ...(target ? { lookup: pinned } : {}),
      timeout: request.timeoutMs,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      void readExcerpt(res).then((body) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.end(request.body);
  });
};
