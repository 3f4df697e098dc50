/** @module JSON shapes of tokens: an entitlement token as sent by publishers, and introspection's answer. */
import { z } from '@hono/zod-openapi';
import { ENTITLEMENT_KINDS } from '../../domain/membership';

const EXAMPLE_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImVudGl0bGVtZW50K2p3dCJ9.eyJ…';

export const TokenSchema = z.string().min(1).max(8192).openapi({ example: EXAMPLE_TOKEN });

export const IntrospectionSchema = z
  .object({
    active: z.boolean(),
    iss: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    sub: z.string().optional(),
    iat: z.number().int().optional(),
    exp: z.number().int().optional(),
    jti: z.string().optional(),
    scope: z.literal('full_text').optional(),
    membership: z.enum(ENTITLEMENT_KINDS).optional(),
    entitled_until: z.number().int().optional(),
    article: z.string().optional(),
    meter_used: z.number().int().optional(),
    meter_allowance: z.number().int().optional(),
    meter_resets_at: z.number().int().optional(),
  })
  .openapi('Introspection', {
    example: {
      active: true,
      iss: 'https://onepass.example',
      aud: 'pub_abcdefghijklmnopqrst',
      sub: 'Qm9uam91ciBsZSBtb25kZSBldCBsZXMgZ2Vucw',
      iat: 1796942400,
      exp: 1796943000,
      jti: 'jti_abcdefghijklmnopqrst',
      scope: 'full_text',
      membership: 'trial',
      entitled_until: 1798156800,
    },
  });
