/**
 * @module A body refused while it streams (chunked, over the limit) answers 413 and closes the
 * connection, so a keep-alive client never waits on a dead socket.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent' });
  server = await serveNodeDoor(door);
});
afterAll(async () => {
  await server.close();
  door.close();
});

/** Sends a chunked POST of `size` bytes on a raw keep-alive socket; resolves with all that came back and whether the server closed. */
function chunkedPost(size: number): Promise<{ response: string; closed: boolean }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closed: false });
    }, 5000);
    socket.on('data', (data) => {
      response += data.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closed: true });
    });
    socket.on('error', (err) => {
      // The server may close while the rest of the body is still being written.
      if (
        (err as NodeJS.ErrnoException).code !== 'EPIPE' &&
        (err as NodeJS.ErrnoException).code !== 'ECONNRESET'
      )
        reject(err);
    });
    socket.write(
      'POST /v1/readers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < size; sent += chunk.length) {
      if (socket.destroyed) break;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
    }
    if (!socket.destroyed) socket.write('0\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
}

describe('a chunked body over the limit', () => {
  it('answers 413 with Connection: close, and the server closes the socket', async () => {
    const { response, closed } = await chunkedPost(2 * 1024 * 1024);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(response).toContain('payload_too_large');
    expect(closed).toBe(true);
  });

  it('leaves a fresh connection working', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
  });
});
