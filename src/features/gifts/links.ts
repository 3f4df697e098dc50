/** @module A gift's redemption token: derived from its id under PAIRWISE_SECRET (so the buyer's link can be shown again), stored only as a hash. */
import type { Config } from '../../app/config';
import { hmacSha256, sha256Hex } from '../../lib/crypto';

/** `gft_….<43 characters>`: the gift id and its keyed MAC. */
export async function giftToken(config: Config, giftId: string): Promise<string> {
  return `${giftId}.${await hmacSha256(config.pairwiseSecret, `onepass:gift:${giftId}`)}`;
}

export function giftTokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

export const GIFT_TOKEN_SHAPE = /^gft_[a-z2-7]{20}\.[A-Za-z0-9_-]{43}$/;

export async function redeemUrl(config: Config, giftId: string): Promise<string> {
  return `${config.publicUrl}/gift/redeem/${await giftToken(config, giftId)}`;
}
