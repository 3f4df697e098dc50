/**
 * @module A webhook receiver in Node beside workerd (started by the global setup): it records
 * every POST (path, the three Standard Webhooks headers, the body byte for byte) and answers the
 * status the path asks for (`/status/500/…` → 500, anything else 200). The tests in workerd read
 * what it got with `GET /received?path=…`; verifying is theirs, with the `standardwebhooks` package.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
  body: string;
}

export async function startWebhookReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver.invalid');
    if (req.method === 'GET' && url.pathname === '/received') {
      const path = url.searchParams.get('path');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(received.filter((r) => r.path === path)));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '');
      received.push({
        path: url.pathname,
        headers: {
          'webhook-id': header('webhook-id'),
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        },
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = /^\/status\/(\d{3})\//.exec(url.pathname)?.[1];
      res.writeHead(status ? Number(status) : 200, { 'content-type': 'text/plain' });
      res.end(status ? `answered ${status}` : 'thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
