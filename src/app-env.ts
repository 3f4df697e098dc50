/** @module The Hono environment type shared by the app, its middleware and routes. */
import type { AppContext, Logger } from './context';
import type { AdminActor } from './services/admin';
import type { Authenticated } from './services/sessions';

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
