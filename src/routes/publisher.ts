/** @module Placeholder: filled in by the admin/publisher/account work of issue 5. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

export const publisherRoutes = new OpenAPIHono<AppEnv>();
