// The booth registry: which booth ids exist, the Ed25519 key each signs
// with, and whether it is revoked. Every signed request is checked against
// it. Booths found are cached for a few seconds (a national fleet's
// requests would otherwise each cost a query); a revocation therefore takes
// effect on every node within CACHE_MS.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { UpstreamDatabase } from './db/database';

const CACHE_MS = 5_000;

export interface RegisteredBooth {
  boothId: string;
  publicKey: KeyObject;
  publicKeyText: string;
  status: 'active' | 'revoked';
  revokedReason: string | null;
}

export type RegisterOutcome = { ok: true; created: boolean } | { ok: false; code: 'BOOTH_KEY_MISMATCH' | 'BOOTH_REVOKED'; message: string };

export function ed25519FromText(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

export class BoothRegistry {
  readonly #cache = new Map<string, { booth: RegisteredBooth | null; at: number }>();

  constructor(readonly db: UpstreamDatabase) {}

  async find(boothId: string): Promise<RegisteredBooth | null> {
    const cached = this.#cache.get(boothId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.booth;
    const [row] = await this.db.query<{ public_key: string; status: 'active' | 'revoked'; revoked_reason: string | null }>(
      'SELECT public_key, status, revoked_reason FROM booths WHERE booth_id = $1',
      [boothId],
    );
    const booth = row
      ? {
          boothId,
          publicKey: ed25519FromText(row.public_key),
          publicKeyText: row.public_key,
          status: row.status,
          revokedReason: row.revoked_reason,
        }
      : null;
    // Only a booth found is kept: one the operator registers a moment later must not wait for the cache.
    if (booth) this.#cache.set(boothId, { booth, at: Date.now() });
    return booth;
  }

  /** Adds a booth (the operator, or a booth itself where registration is open); the same key again is not an error. */
  async register(boothId: string, publicKey: string, by: 'operator' | 'open-registration'): Promise<RegisterOutcome> {
    ed25519FromText(publicKey); // throws for a key that is not one
    const inserted = await this.db.query(
      `INSERT INTO booths (booth_id, public_key, status, registered_by) VALUES ($1, $2, 'active', $3)
       ON CONFLICT (booth_id) DO NOTHING RETURNING booth_id`,
      [boothId, publicKey, by],
    );
    this.#cache.delete(boothId);
    if (inserted.length > 0) return { ok: true, created: true };
    const existing = await this.find(boothId);
    if (existing?.status === 'revoked')
      return { ok: false, code: 'BOOTH_REVOKED', message: `booth ${boothId} was revoked: ${existing.revokedReason ?? 'no reason given'}` };
    if (existing?.publicKeyText !== publicKey)
      return {
        ok: false,
        code: 'BOOTH_KEY_MISMATCH',
        message: `booth ${boothId} is registered with another key; an operator must revoke it and register the new one`,
      };
    return { ok: true, created: false };
  }

  async revoke(boothId: string, reason: string): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE booths SET status = 'revoked', revoked_at = now(), revoked_reason = $2 WHERE booth_id = $1 RETURNING booth_id",
      [boothId, reason],
    );
    this.#cache.delete(boothId);
    return rows.length > 0;
  }
}
