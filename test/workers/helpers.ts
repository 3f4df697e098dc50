import { env, SELF } from 'cloudflare:test';

export const BASE = 'http://127.0.0.1:8787';

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export async function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON answers
  return { status: res.status, headers: res.headers, json: json as any, text };
}

let counter = 0;
export function uniqueEmail(tag = 'reader'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const adminKey = () => env.ADMIN_API_KEY;

export async function createPublisher(name = 'The Daily Example', origins = ['https://daily.example']) {
  const res = await call('POST', '/v1/admin/publishers', { token: adminKey(), body: { name, origins } });
  if (res.status !== 201) throw new Error(`publisher creation failed: ${res.status} ${res.text}`);
  return res.json as { publisher: { id: string }; api_key: string };
}

export async function signUp(email = uniqueEmail(), password = 'correct horse battery') {
  const res = await call('POST', '/v1/readers', { body: { email, password } });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
  return { email, password, token: res.json.session_token as string, reader: res.json.reader, res };
}

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
