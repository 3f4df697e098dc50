/** @module Publisher API (publisher key): token introspection, read accounting, own numbers and profile. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { invalidRequest } from '../../app/errors';
import { type PublisherEnv, requirePublisher } from '../../http/auth';
import {
  jsonBody,
  PublisherSchema,
  presentPublisher,
  problemResponses,
  publisherSecurity,
} from '../../http/shapes';
import { publisherReads, recordRead, utcDay } from '../reads/record';
import { inspectToken } from '../tokens/introspect';
import { OriginSchema } from './admin-routes';
import { updatePublisherProfile } from './profile';

const EXAMPLE_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImVudGl0bGVtZW50K2p3dCJ9.eyJ…';

/** C0 controls, DEL, C1 controls and line separators: never in an id, title or URL we store. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => !hasControl(v), { error: 'Must be printable text' });

const HttpUrlSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      if (hasControl(value) || /\s/.test(value)) return false;
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { error: 'Must be an absolute http(s) URL without credentials' },
  );

const TokenSchema = z.string().min(1).max(8192).openapi({ example: EXAMPLE_TOKEN });

const IntrospectionSchema = z
  .object({
    active: z.boolean(),
    iss: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    sub: z.string().optional(),
    iat: z.number().int().optional(),
    exp: z.number().int().optional(),
    jti: z.string().optional(),
    scope: z.literal('full_text').optional(),
    membership: z.enum(['trial', 'paid', 'grace', 'comp']).optional(),
    entitled_until: z.number().int().optional(),
    article: z.string().optional(),
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

const introspectRoute = createRoute({
  method: 'post',
  path: '/v1/tokens/introspect',
  tags: ['Publishers'],
  summary: 'Is this entitlement token active now? (RFC 7662 semantics)',
  description:
    'Checks the signature (ES256, our active or previous keys), `typ`, `iss`, that `aud` is the calling ' +
    'publisher, `exp`, and then the live state: the reader exists, is not deleted, had no sessions revoked ' +
    'after `iat`, and is entitled now. Any failure answers `{"active": false}` and nothing else.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { body: jsonBody(z.object({ token: TokenSchema }).openapi('IntrospectionRequest')) },
  responses: {
    200: {
      description: '`{active: true, ...claims}` or `{active: false}`',
      content: { 'application/json': { schema: IntrospectionSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 503),
  },
});

const ReadSchema = z
  .object({
    token: TokenSchema,
    article: z.object({
      id: printable(256).openapi({ example: '2026-11-27-budget' }),
      title: printable(300).optional().openapi({ example: 'The budget, line by line' }),
      url: HttpUrlSchema.optional().openapi({ example: 'https://daily.example/2026/11/27/budget' }),
    }),
  })
  .openapi('Read');

const recordReadRoute = createRoute({
  method: 'post',
  path: '/v1/reads',
  tags: ['Publishers'],
  summary: 'Report one full-text read',
  description:
    'One read counts per reader (pairwise `sub`), article and UTC day; a repeat (e.g. a retry) answers ' +
    "`counted: false`. The token must be active for the calling publisher: another publisher's token is " +
    '403 `forbidden`, any other inactive token 400 `invalid_request`. A token asked for one article counts ' +
    'only for that article.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { body: jsonBody(ReadSchema) },
  responses: {
    202: {
      description: 'Accepted; `counted` is false when this read was already counted today',
      content: { 'application/json': { schema: z.object({ counted: z.boolean() }).openapi('ReadCounted') } },
    },
    ...problemResponses(400, 401, 403, 413, 415, 503),
  },
});

const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Must be a date YYYY-MM-DD' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && utcDay(new Date(`${v}T00:00:00Z`)) === v, {
    error: 'Must be a real calendar date',
  });

const MAX_RANGE_DAYS = 366;

const readsReportRoute = createRoute({
  method: 'get',
  path: '/v1/publisher/reads',
  tags: ['Publishers'],
  summary: "The calling publisher's reads per UTC day",
  description:
    `Both dates included, at most ${MAX_RANGE_DAYS} days; default: the last 30 days up to today (UTC). ` +
    "`unique_readers` of the range counts each reader once. Only the caller's own reads are visible.",
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: {
    query: z.object({
      from: DateSchema.optional().openapi({ example: '2026-11-01' }),
      to: DateSchema.optional().openapi({ example: '2026-11-30' }),
    }),
  },
  responses: {
    200: {
      description: 'Totals and one entry per day (days without reads included, as zeros)',
      content: {
        'application/json': {
          schema: z
            .object({
              from: z.string(),
              to: z.string(),
              reads: z.number().int(),
              unique_readers: z.number().int(),
              days: z.array(
                z.object({ date: z.string(), reads: z.number().int(), unique_readers: z.number().int() }),
              ),
            })
            .openapi('PublisherReads'),
        },
      },
    },
    ...problemResponses(400, 401, 503),
  },
});

const profileRoute = createRoute({
  method: 'get',
  path: '/v1/publisher',
  tags: ['Publishers'],
  summary: "The calling publisher's profile",
  security: publisherSecurity,
  middleware: [requirePublisher],
  responses: {
    200: { description: 'The publisher', content: { 'application/json': { schema: PublisherSchema } } },
    ...problemResponses(401),
  },
});

const updateProfileRoute = createRoute({
  method: 'patch',
  path: '/v1/publisher',
  tags: ['Publishers'],
  summary: "Change the calling publisher's name or origins",
  description: '`origins` replaces the whole list: the origins `/access` may send readers back to.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional().openapi({ example: 'The Daily Example' }),
          origins: z
            .array(OriginSchema)
            .min(1)
            .max(20)
            .optional()
            .openapi({ example: ['https://daily.example', 'https://www.daily.example'] }),
        })
        .refine((b) => b.name !== undefined || b.origins !== undefined, {
          error: 'Give a name or origins to change',
        })
        .openapi('PublisherProfileChange'),
    ),
  },
  responses: {
    200: {
      description: 'The updated publisher',
      content: { 'application/json': { schema: PublisherSchema } },
    },
    ...problemResponses(400, 401, 413, 415),
  },
});

export const publisherRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(introspectRoute, async (c) => {
    const inspection = await inspectToken(c.get('ctx'), c.req.valid('json').token, c.get('publisher').id);
    return c.json(inspection.active ? { active: true, ...inspection.claims } : { active: false }, 200);
  })
  .openapi(recordReadRoute, async (c) => {
    return c.json(await recordRead(c.get('ctx'), c.get('publisher'), c.req.valid('json')), 202);
  })
  .openapi(readsReportRoute, async (c) => {
    const query = c.req.valid('query');
    const today = utcDay(c.get('ctx').now());
    const to = query.to ?? (query.from && query.from > today ? query.from : today);
    const from = query.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
    if (from > to) throw invalidRequest([{ path: 'from', message: 'Must not be after `to`' }]);
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (span > MAX_RANGE_DAYS) {
      throw invalidRequest([{ path: 'to', message: `The range may span at most ${MAX_RANGE_DAYS} days` }]);
    }
    return c.json(await publisherReads(c.get('ctx'), c.get('publisher').id, { from, to }), 200);
  })
  .openapi(profileRoute, (c) => c.json(presentPublisher(c.get('publisher')), 200))
  .openapi(updateProfileRoute, async (c) => {
    const body = c.req.valid('json');
    const publisher = await updatePublisherProfile({
      ctx: c.get('ctx'),
      input: { publisherId: c.get('publisher').id, name: body.name, origins: body.origins },
    });
    return c.json(presentPublisher(publisher), 200);
  });
