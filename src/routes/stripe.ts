/** @module Stripe webhooks and the admin reconciliation trigger. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

export const stripeRoutes = new OpenAPIHono<AppEnv>();
