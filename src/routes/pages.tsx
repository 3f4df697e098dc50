/** @module Reader-facing HTML pages (hono/jsx): landing, sign-up, sign-in, account, subscribe. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

export const pageRoutes = new OpenAPIHono<AppEnv>();
