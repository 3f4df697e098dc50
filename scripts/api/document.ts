/**
 * @module The app's OpenAPI document, built in-process as the Node door builds the app (on an
 * in-memory database with throwaway secrets) and read with `app.request`: no server, no network.
 */
import { createNodeApp, createNodeContext } from '../../src/app/node-context';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

/** The server URL the document names; the generated types do not depend on it. */
export const DOCUMENT_BASE = 'http://127.0.0.1:8787';

/** `GET /openapi.json` of a freshly built app. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const ctx = await createNodeContext({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: DOCUMENT_BASE,
    DATABASE_URL: 'file::memory:',
    ...(await generateDevSecrets()),
  });
  const res = await createNodeApp(ctx).request(`${DOCUMENT_BASE}/openapi.json`);
  if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
