/** @module The Hono environment type shared by the app, its middleware and routes. */

import type { AdminActor } from '../features/admin/actors';
import type { Authenticated } from '../features/readers/sessions';
import type { AppContext } from './context';
import type { Logger } from './logger';

export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    publicUrl: string;
    ctx: AppContext;
    logger: Logger;
    reader: Authenticated;
    admin: AdminActor;
  };
}
