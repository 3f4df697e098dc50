/**
 * @module The one interface every suite drives the service through, whichever door serves it: the
 * Worker in workerd on D1 (test/support/workers-door.ts), the Node door on a libSQL file or on a
 * remote libSQL server (test/support/node-door.ts). Journeys written against it run on each.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../src/app/config';
import { type RenderedMail, renderMail } from '../../src/features/mail';

export const BASE = 'http://127.0.0.1:8787';

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON answers
  json: any;
  text: string;
}

export interface Door {
  /** `workerd`, `node` (libSQL file) or `node-remote` (libSQL over HTTP). */
  readonly name: string;
  /** The service's PUBLIC_URL, which is also the token issuer. */
  readonly base: string;
  readonly adminKey: string;
  /** One request to the service, its answer read whole. */
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** The service as a `fetch`, e.g. for the SDK's JWKS requests. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** A read of the service's database, for assertions about what it stored. */
  query<T>(statement: SQL): Promise<T[]>;
  /** The service's configuration, as the door parsed it (to render mail as it is sent). */
  config(): Promise<Config>;
}

export interface ReadMail extends RenderedMail {
  template: string;
  status: string;
}

/** The newest mail queued for `to`, rendered as the reader receives it (subject, text, HTML). */
export async function mailTo(door: Door, to: string, template?: string): Promise<ReadMail> {
  const rows = await door.query<{ id: string; template: string; payload: string; status: string }>(
    sql`select id, template, payload, status from outbox where to_address = ${to}
        ${template ? sql`and template = ${template}` : sql``} order by rowid desc limit 1`,
  );
  const row = rows[0];
  if (!row) throw new Error(`no mail to ${to}`);
  const rendered = await renderMail(await door.config(), {
    id: row.id,
    to,
    template: row.template,
    payload: JSON.parse(row.payload),
  });
  return { ...rendered, template: row.template, status: row.status };
}

/** The 6-digit code of the newest sign-in mail to `to` (its subject starts with it). */
export async function mailedCode(door: Door, to: string): Promise<string> {
  const code = (await mailTo(door, to, 'sign_in')).subject.slice(0, 6);
  if (!/^\d{6}$/.test(code)) throw new Error(`no code in the sign-in mail to ${to}`);
  return code;
}

/** The first link in a mail's text that starts with `prefix` (a path on the service). */
export function linkIn(mail: { text: string }, base: string, prefix: string): URL {
  const found = mail.text
    .match(/https?:\/\/\S+/g)
    ?.map((href) => new URL(href))
    .find((url) => url.pathname.startsWith(prefix));
  if (!found || found.origin !== new URL(base).origin) throw new Error(`no ${prefix} link in: ${mail.text}`);
  return found;
}

/** The body of an answer as JSON, or null for an HTML page, plain text or nothing. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** The request a `call` makes. */
export function requestOf(options: CallOptions): {
  headers: Record<string, string>;
  body: string | undefined;
} {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return { headers, body };
}

let counter = 0;
export function uniqueEmail(tag = 'reader'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export async function createPublisher(
  door: Door,
  name = 'The Daily Example',
  origins = ['https://daily.example'],
): Promise<{ publisher: { id: string }; api_key: string }> {
  const res = await door.call('POST', '/v1/admin/publishers', {
    token: door.adminKey,
    body: { name, origins },
  });
  if (res.status !== 201) throw new Error(`publisher creation failed: ${res.status} ${res.text}`);
  return res.json;
}

export async function signUp(door: Door, email = uniqueEmail(), password = 'correct horse battery') {
  const res = await door.call('POST', '/v1/readers', { body: { email, password } });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
  return { email, password, token: res.json.session_token as string, reader: res.json.reader, res };
}
