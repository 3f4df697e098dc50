/**
 * @module The Hono environment types: `AppEnv` for every route, and one per principal for the
 * routes behind its middleware (`ReaderEnv`, `AdminEnv`, `PublisherEnv`).
 */

import type { PublisherRow } from '../db/schema';
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
  };
}

/** Routes behind `requireReader`: the signed-in reader is `c.get('reader')`. */
export type ReaderEnv = AppEnv & { Variables: { reader: Authenticated } };

/** Routes behind `requireAdmin` (every `/v1/admin/*` path): the caller is `c.get('admin')`. */
export type AdminEnv = AppEnv & { Variables: { admin: AdminActor } };

/**
 * Routes behind `requirePublisher`: the publisher is `c.get('publisher')`, the `pkk_…` id of the key
 * it called with `c.get('publisherKeyId')`.
 */
export type PublisherEnv = AppEnv & { Variables: { publisher: PublisherRow; publisherKeyId: string } };
