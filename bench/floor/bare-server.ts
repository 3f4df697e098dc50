/**
 * @module The bare `node:http` server both floors run on: `GET /health` answers at once; any other
 * request's body is collected and handed to `handle`, whose status and JSON text are the answer.
 */
import { createServer, type IncomingMessage } from 'node:http';

export interface BareAnswer {
  status: number;
  body: string;
}

export function serveBare(
  port: number,
  handle: (req: IncomingMessage, body: string) => BareAnswer | Promise<BareAnswer>,
): void {
  createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (a: BareAnswer) => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body);
      };
      try {
        const result = handle(req, Buffer.concat(chunks).toString('utf8'));
        if (result instanceof Promise) result.then(answer, () => answer({ status: 500, body: '{}' }));
        else answer(result);
      } catch {
        answer({ status: 500, body: '{}' });
      }
    });
  }).listen(port, '127.0.0.1');
  // A clean exit on SIGTERM, so that `node --cpu-prof` writes its profile (bench/profile-server.ts).
  process.once('SIGTERM', () => process.exit(0));
}
