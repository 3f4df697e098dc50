/** @module The publisher access flow: `GET /access` and `POST /v1/access/exchange`. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

export const accessRoutes = new OpenAPIHono<AppEnv>();
