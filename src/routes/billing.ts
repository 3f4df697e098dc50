/** @module Reader billing API: Stripe Checkout and the billing portal. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

export const billingRoutes = new OpenAPIHono<AppEnv>();
