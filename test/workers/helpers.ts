/** @module The workerd suites' helpers: the shared Door helpers bound to the Worker, and a row count on D1. */
import { env } from 'cloudflare:test';
import { type CallOptions, createPublisher as createPublisherOn, signUp as signUpOn } from '../support/door';
import { workersDoor } from '../support/workers-door';

export { BASE, type CallOptions, uniqueEmail } from '../support/door';

export const call = (method: string, path: string, options: CallOptions = {}) =>
  workersDoor.call(method, path, options);

export const adminKey = () => workersDoor.adminKey;

export const createPublisher = (name?: string, origins?: string[]) =>
  createPublisherOn(workersDoor, name, origins);

export const signUp = (email?: string, password?: string) => signUpOn(workersDoor, email, password);

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
