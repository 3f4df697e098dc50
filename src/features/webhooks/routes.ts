/** @module Publisher API (publisher key): webhook endpoints, their deliveries, redelivery and the test event. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { PublisherEnv } from '../../app/env';
import { jsonBody, PageQuery, pageOf, problemResponses, publisherSecurity } from '../../http/openapi';
import { publisherPrincipal, requirePublisher } from '../publishers';
import { listDeliveries, redeliver, sendTest } from './deliveries';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from './endpoints';
import {
  CreateEndpointSchema,
  DeliveryParams,
  DeliverySchema,
  EndpointIdParam,
  EndpointSchema,
  EndpointWithSecretSchema,
  TestSentSchema,
  UpdateEndpointSchema,
} from './shapes';

const BASE = '/v1/publisher/webhooks';
const common = { tags: ['Publishers'], security: publisherSecurity, middleware: [requirePublisher] };
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const createRouteDef = createRoute({
  ...common,
  method: 'post',
  path: BASE,
  operationId: 'createWebhookEndpoint',
  summary: 'Add a webhook endpoint',
  description:
    'Events are sent as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), signed with the ' +
    'secret in the answer, which is shown only here. See docs/WEBHOOKS.md.',
  request: { body: jsonBody(CreateEndpointSchema) },
  responses: {
    201: json(EndpointWithSecretSchema, 'The endpoint and its secret'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const listRoute = createRoute({
  ...common,
  method: 'get',
  path: BASE,
  operationId: 'listWebhookEndpoints',
  summary: "The publisher's webhook endpoints, newest first",
  request: { query: PageQuery },
  responses: { 200: json(pageOf(EndpointSchema), 'A page of endpoints'), ...problemResponses(400, 401, 429) },
});

const getRoute = createRoute({
  ...common,
  method: 'get',
  path: `${BASE}/{id}`,
  operationId: 'getWebhookEndpoint',
  summary: 'One webhook endpoint',
  request: { params: EndpointIdParam },
  responses: { 200: json(EndpointSchema, 'The endpoint'), ...problemResponses(401, 404, 429) },
});

const updateRoute = createRoute({
  ...common,
  method: 'patch',
  path: `${BASE}/{id}`,
  operationId: 'updateWebhookEndpoint',
  summary: 'Change a webhook endpoint (URL, events, description, enabled)',
  request: { params: EndpointIdParam, body: jsonBody(UpdateEndpointSchema) },
  responses: {
    200: json(EndpointSchema, 'The changed endpoint'),
    ...problemResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

const deleteRouteDef = createRoute({
  ...common,
  method: 'delete',
  path: `${BASE}/{id}`,
  operationId: 'deleteWebhookEndpoint',
  summary: 'Delete a webhook endpoint with its deliveries',
  request: { params: EndpointIdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 429) },
});

const rotateRoute = createRoute({
  ...common,
  method: 'post',
  path: `${BASE}/{id}/rotate-secret`,
  operationId: 'rotateWebhookSecret',
  summary: 'A new signing secret; the old one keeps signing alongside for 24 hours',
  description:
    'During the overlap `webhook-signature` carries two signatures, one per secret, so receivers can switch at their pace.',
  request: { params: EndpointIdParam },
  responses: {
    200: json(EndpointWithSecretSchema, 'The endpoint and its new secret'),
    ...problemResponses(401, 403, 404, 429),
  },
});

const testRoute = createRoute({
  ...common,
  method: 'post',
  path: `${BASE}/{id}/test`,
  operationId: 'sendWebhookTest',
  summary: 'Send a `test` event to this endpoint',
  request: { params: EndpointIdParam },
  responses: {
    202: json(TestSentSchema, 'Queued; sent right after this answer'),
    ...problemResponses(401, 403, 404, 429),
  },
});

const deliveriesRoute = createRoute({
  ...common,
  method: 'get',
  path: `${BASE}/{id}/deliveries`,
  operationId: 'listWebhookDeliveries',
  summary: 'The messages sent to this endpoint, newest first, each with its attempts',
  request: { params: EndpointIdParam, query: PageQuery },
  responses: {
    200: json(pageOf(DeliverySchema), 'A page of deliveries'),
    ...problemResponses(400, 401, 404, 429),
  },
});

const redeliverRoute = createRoute({
  ...common,
  method: 'post',
  path: `${BASE}/{id}/deliveries/{delivery_id}/redeliver`,
  operationId: 'redeliverWebhook',
  summary: 'Attempt one delivery again now (also a failed one, or to a disabled endpoint)',
  description: 'The attempt is made before the answer; a success marks the delivery delivered.',
  request: { params: DeliveryParams },
  responses: {
    200: json(DeliverySchema, 'The delivery with the new attempt'),
    ...problemResponses(401, 403, 404, 429),
  },
});

export const webhookRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(createRouteDef, async (c) => {
    const body = c.req.valid('json');
    const created = await createEndpoint({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: body,
    });
    return c.json(created, 201);
  })
  .openapi(listRoute, async (c) => {
    const page = await listEndpoints({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: c.req.valid('query'),
    });
    return c.json({ data: page.data, next_cursor: page.nextCursor }, 200);
  })
  .openapi(getRoute, async (c) =>
    c.json(
      await getEndpoint({ ctx: c.get('ctx'), principal: publisherPrincipal(c), input: c.req.valid('param') }),
      200,
    ),
  )
  .openapi(updateRoute, async (c) => {
    const input = { ...c.req.valid('json'), id: c.req.valid('param').id };
    return c.json(await updateEndpoint({ ctx: c.get('ctx'), principal: publisherPrincipal(c), input }), 200);
  })
  .openapi(deleteRouteDef, async (c) => {
    await deleteEndpoint({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: c.req.valid('param'),
    });
    return c.body(null, 204);
  })
  .openapi(rotateRoute, async (c) =>
    c.json(
      await rotateSecret({
        ctx: c.get('ctx'),
        principal: publisherPrincipal(c),
        input: c.req.valid('param'),
      }),
      200,
    ),
  )
  .openapi(testRoute, async (c) => {
    const input = { endpointId: c.req.valid('param').id };
    return c.json(await sendTest({ ctx: c.get('ctx'), principal: publisherPrincipal(c), input }), 202);
  })
  .openapi(deliveriesRoute, async (c) => {
    const input = { endpointId: c.req.valid('param').id, ...c.req.valid('query') };
    const page = await listDeliveries({ ctx: c.get('ctx'), principal: publisherPrincipal(c), input });
    return c.json({ data: page.data, next_cursor: page.nextCursor }, 200);
  })
  .openapi(redeliverRoute, async (c) => {
    const { id, delivery_id } = c.req.valid('param');
    const input = { endpointId: id, deliveryId: delivery_id };
    return c.json(await redeliver({ ctx: c.get('ctx'), principal: publisherPrincipal(c), input }), 200);
  });
