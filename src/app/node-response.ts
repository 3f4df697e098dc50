/**
 * @module The Node door's outgoing message: the headers every answer carries (request id, nosniff,
 * CSP…) laid under the answer's own in its one `writeHead`, instead of one `setHeader` each.
 *
 * `setHeader` validates and stores every header in a per-message table that `writeHead` then
 * merges the answer's headers into, header by header: for the six headers of every answer that
 * measured at ~6 µs a request, about 6 % of a token issuance. Handed the answer's headers in one
 * object, node:http validates and writes each once. Given to node:http as its `ServerResponse`
 * (`serverOptions` of @hono/node-server's `serve`, see `nodeServerOptions`).
 */
import {
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type ServerOptions,
  ServerResponse,
} from 'node:http';

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];

export class StampedResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  #requestId: string | undefined;
  #headers: Readonly<Record<string, string>> | undefined;

  /** Lays `x-request-id` and `headers` under whatever the answer's `writeHead` brings. */
  stamp(requestId: string, headers: Readonly<Record<string, string>>): void {
    this.#requestId = requestId;
    this.#headers = headers;
  }

  override writeHead(statusCode: number, reason?: string | Headers, headers?: Headers): this {
    const stamped = this.#headers;
    const message = typeof reason === 'string' ? reason : undefined;
    const own = typeof reason === 'string' ? headers : reason;
    if (stamped === undefined || this.headersSent) return this.#write(statusCode, message, own);
    this.#headers = undefined;
    if (Array.isArray(own) || this.getHeaderNames().length > 0) {
      // Raw header lists, or headers already set on the message: the general (slower) way, where
      // every header the answer or the message has wins.
      if (!this.hasHeader('x-request-id')) this.setHeader('x-request-id', this.#requestId as string);
      for (const name in stamped) if (!this.hasHeader(name)) this.setHeader(name, stamped[name] as string);
      return this.#write(statusCode, message, own);
    }
    const merged: OutgoingHttpHeaders = { 'x-request-id': this.#requestId };
    for (const name in stamped) merged[name] = stamped[name];
    // The answer's own win; names compare without case (its Cache-Control over our cache-control).
    const answer = own as OutgoingHttpHeaders | undefined;
    if (answer) for (const name in answer) merged[name.toLowerCase()] = answer[name];
    return this.#write(statusCode, message, merged);
  }

  /** node:http's own writeHead, with the message (if any) and the headers. */
  #write(statusCode: number, message: string | undefined, headers: Headers | undefined): this {
    if (message !== undefined) return super.writeHead(statusCode, message, headers);
    return super.writeHead(statusCode, headers);
  }
}

/** node:http's options for a server whose answers are `StampedResponse`s. */
export const nodeServerOptions: ServerOptions = {
  ServerResponse: StampedResponse as unknown as typeof ServerResponse,
};
