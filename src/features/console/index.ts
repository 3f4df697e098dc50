/** @module The consoles: server-rendered pages for publisher staff (`/publisher`) and operators (`/admin`), and who may open them. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { consoleApiRoutes } from './api-routes';
import { operatorDashboard } from './operator-dashboard';
import { operatorKeys } from './operator-keys';
import { operatorMembers } from './operator-members';
import { operatorPages } from './operator-pages';
import { operatorPublishers } from './operator-publishers';
import { publisherKeyPages } from './publisher-key-pages';
import { publisherPages } from './publisher-pages';
import { publisherStatementPages } from './publisher-statement-pages';
import { publisherWebhookPages } from './publisher-webhook-pages';

export {
  type ConsoleAccess,
  consoleAccess,
  grantAdminUser,
  inviteStaff,
  listAdminUsers,
  listStaff,
  presentAdminUser,
  presentStaff,
  removeStaff,
  revokeAdminUser,
} from './grants';
export { recordDailyMetrics } from './insights';
export { consoleApiRoutes };

export const consoleRoutes = new OpenAPIHono<AppEnv>()
  .route('/', publisherPages)
  .route('/', publisherKeyPages)
  .route('/', publisherWebhookPages)
  .route('/', publisherStatementPages)
  .route('/', operatorDashboard)
  .route('/', operatorMembers)
  .route('/', operatorPublishers)
  .route('/', operatorPages)
  .route('/', operatorKeys);
