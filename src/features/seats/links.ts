/** @module A seat's invitation link: a random token, stored only as its SHA-256 hash. */
import type { Config } from '../../app/config';
import { randomToken, sha256Hex } from '../../lib/crypto';

export const SEAT_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newSeatToken(): string {
  return randomToken(32);
}

export function seatTokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

export function joinUrl(config: Config, token: string): string {
  return `${config.publicUrl}/seats/join/${token}`;
}
