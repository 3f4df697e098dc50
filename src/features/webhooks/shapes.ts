/** @module The OpenAPI shapes of the webhook endpoints API. */
import { z } from '@hono/zod-openapi';
import { SUBSCRIBABLE_EVENTS } from './endpoints';

export const EndpointIdParam = z.object({
  id: z
    .string()
    .max(40)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'whe_abcdefghijklmnopqrst' }),
});

export const DeliveryParams = EndpointIdParam.extend({
  delivery_id: z
    .string()
    .max(40)
    .openapi({ param: { name: 'delivery_id', in: 'path' }, example: 'whd_abcdefghijklmnopqrst' }),
});

const EventsSchema = z
  .array(z.enum(SUBSCRIBABLE_EVENTS as [string, ...string[]]))
  .min(1)
  .max(10)
  .openapi({ example: ['entitlement.ended', 'keys.rotating'] });

const UrlSchema = z
  .string()
  .min(1)
  .max(2000)
  .openapi({
    description:
      'https (http only to a loopback address outside production); no credentials or fragment; in production never ' +
      'a private, loopback, link-local or otherwise non-public address (checked again, after resolving the name, at each delivery).',
    example: 'https://daily.example/onepass/webhooks',
  });

export const CreateEndpointSchema = z
  .object({
    url: UrlSchema,
    events: EventsSchema,
    description: z.string().trim().max(500).nullable().optional(),
  })
  .openapi('WebhookEndpointCreate');

export const UpdateEndpointSchema = z
  .object({
    url: UrlSchema.optional(),
    events: EventsSchema.optional(),
    description: z.string().trim().max(500).nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .openapi({ description: 'true re-enables an endpoint the service disabled.' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    error: 'Give at least one field to change',
  })
  .openapi('WebhookEndpointChange');

export const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z
      .string()
      .nullable()
      .openapi({ description: '`failing` when the service disabled it after 3 days of failures.' }),
    previous_secret_expires_at: z
      .string()
      .nullable()
      .openapi({ description: 'Until then the previous secret signs too (after a rotation).' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookEndpoint');

export const EndpointWithSecretSchema = EndpointSchema.extend({
  secret: z.string().openapi({
    description: 'The signing secret (`whsec_…`), shown this once.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('WebhookEndpointWithSecret');

export const DeliverySchema = z
  .object({
    id: z.string(),
    message_id: z.string().openapi({ description: 'The `webhook-id` header: the same on every attempt.' }),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    payload: z.string().openapi({ description: 'The JSON body sent, byte for byte.' }),
    attempt_log: z.array(
      z.object({
        started_at: z.string(),
        duration_ms: z.number().int(),
        status_code: z.number().int().nullable(),
        error: z.string().nullable(),
        response: z.string().nullable().openapi({ description: 'The first 500 bytes of the answer.' }),
      }),
    ),
  })
  .openapi('WebhookDelivery');

export const TestSentSchema = z
  .object({ message_id: z.string(), delivery_id: z.string() })
  .openapi('WebhookTestSent');
