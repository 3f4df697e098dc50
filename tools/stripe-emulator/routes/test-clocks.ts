/**
 * @module Stripe's test-clock API (`/v1/test_helpers/test_clocks`: create, retrieve, list, advance,
 * delete; customers made with `test_clock`), beside the private `/_emulator/clock/advance`. The
 * emulator has one timeline, so every test clock is a view of it: its `frozen_time` is the
 * emulator's time, and advancing any clock moves the emulator (renewals, trial ends, dunning fall
 * due as they would on Stripe's clock), with Stripe's `test_helpers.test_clock.advancing` and
 * `.ready` events. A clock cannot be created or moved before the emulator's time.
 */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import { advanceTo } from '../clock';
import { DAY } from '../constants';
import type { EmulatorContext } from '../context';
import { invalidRequest, resourceMissing } from '../errors';
import { emit } from '../events';
import { optInt, optString } from '../form';
import { apiRoute, newestFirst, paginate } from '../http';
import { newId } from '../ids';

type TestClock = Stripe.TestHelpers.TestClock;

function view(ctx: EmulatorContext, clock: TestClock): TestClock {
  // One timeline: every clock shows the emulator's time.
  clock.frozen_time = Math.max(clock.frozen_time, ctx.state.now);
  return clock;
}

export function requireTestClock(ctx: EmulatorContext, id: string): TestClock {
  const clock = ctx.state.testClocks.get(id);
  if (clock === undefined) throw resourceMissing('test_helpers.test_clock', id);
  return view(ctx, clock);
}

function frozenTime(ctx: EmulatorContext, params: Parameters<typeof optInt>[0]): number {
  const frozen = optInt(params, 'frozen_time');
  if (frozen === undefined) throw invalidRequest('Missing required param: frozen_time.', 'frozen_time');
  if (frozen < ctx.state.now) {
    throw invalidRequest(
      `The emulator has one clock, now at ${ctx.state.now}: frozen_time cannot be before it.`,
      'frozen_time',
    );
  }
  return frozen;
}

export function testClockRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.post(
    '/v1/test_helpers/test_clocks',
    apiRoute(ctx, ({ params }) => {
      const frozen = frozenTime(ctx, params);
      const name = optString(params, 'name');
      if (name !== undefined && name.length > 300) throw invalidRequest('name is too long.', 'name');
      if (frozen > ctx.state.now) advanceTo(ctx, frozen);
      const clock: TestClock = {
        id: newId('clock'),
        object: 'test_helpers.test_clock',
        created: ctx.state.now,
        deletes_after: ctx.state.now + 30 * DAY,
        frozen_time: ctx.state.now,
        livemode: false,
        name: name || null,
        status: 'ready',
        status_details: {},
      };
      ctx.state.testClocks.set(clock.id, clock);
      emit(ctx, 'test_helpers.test_clock.created', clock);
      return clock;
    }),
  );

  app.get(
    '/v1/test_helpers/test_clocks/:id',
    apiRoute(ctx, ({ path }) => requireTestClock(ctx, path.id ?? '')),
  );

  app.get(
    '/v1/test_helpers/test_clocks',
    apiRoute(ctx, ({ params }) =>
      paginate(
        newestFirst(ctx.state.testClocks.values()).map((c) => view(ctx, c)),
        params,
        '/v1/test_helpers/test_clocks',
      ),
    ),
  );

  app.post(
    '/v1/test_helpers/test_clocks/:id/advance',
    apiRoute(ctx, ({ path, params }) => {
      const clock = requireTestClock(ctx, path.id ?? '');
      const target = frozenTime(ctx, params);
      if (target <= clock.frozen_time) {
        throw invalidRequest('The frozen_time must be after the current frozen_time.', 'frozen_time');
      }
      clock.status = 'advancing';
      clock.status_details = { advancing: { target_frozen_time: target } };
      emit(ctx, 'test_helpers.test_clock.advancing', clock);
      const answer = structuredClone(clock);
      advanceTo(ctx, target);
      clock.frozen_time = target;
      clock.status = 'ready';
      clock.status_details = {};
      emit(ctx, 'test_helpers.test_clock.ready', clock);
      // As Stripe answers: the clock as the advance starts; it is `ready` once the time has passed.
      return answer;
    }),
  );

  app.delete(
    '/v1/test_helpers/test_clocks/:id',
    apiRoute(ctx, ({ path }) => {
      const clock = requireTestClock(ctx, path.id ?? '');
      ctx.state.testClocks.delete(clock.id);
      emit(ctx, 'test_helpers.test_clock.deleted', clock);
      const deleted: Stripe.TestHelpers.DeletedTestClock = {
        id: clock.id,
        object: 'test_helpers.test_clock',
        deleted: true,
      };
      return deleted;
    }),
  );

  return app;
}
