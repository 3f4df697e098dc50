/** @module The answer of every route that signs a reader in: the reader, the membership, the session token. */
import { z } from '@hono/zod-openapi';
import { MembershipSchema, presentMembership, presentReader, ReaderSchema } from '../../http/shapes';
import type { SignedIn } from './sign-up';

export const SignedInSchema = z
  .object({
    reader: ReaderSchema,
    membership: MembershipSchema.nullable(),
    session_token: z.string().openapi({ description: 'Send as `Authorization: Bearer <token>`.' }),
  })
  .openapi('SignedIn');

export function presentSignedIn(result: SignedIn, now: Date) {
  return {
    reader: presentReader(result.reader),
    membership: presentMembership(result.membership, now),
    session_token: result.sessionToken,
  };
}
