// Sign-off decisions on the upstream: the booth keys officers verify tokens
// against, a decision taken once per enrollment (the token checked again
// here, whatever the page said), and the decision as the booth asks for it,
// signed with the upstream's key so nobody between can approve for it.
import { sign } from 'node:crypto';
import { boothKid } from '../core/signoff';
import { ed25519FromText } from './registry';
import { EventEmitter } from 'node:events';
import { verifySignoffToken, type SignoffFailure, type SignoffClaims } from '../shared/signoff/token';
import type { RejectionReason } from '../shared/signoff/approval';
import { decisionToBeSigned, type SignoffAnswer } from '../shared/upstream/signoff';
import type { UpstreamDatabase } from './db/database';
import type { UpstreamKeys } from './keys';
import { audit, type OfficerSession } from './officers';

export interface ListedBoothKey {
  kid: string;
  boothId: string;
  publicKey: string;
  revoked: boolean;
}

const KEYS_CACHE_MS = 5_000;

/** A registered key's kid, as the booth computes it for its tokens. */
export function kidOf(publicKeyText: string): string {
  return Buffer.from(boothKid(ed25519FromText(publicKeyText))).toString('hex');
}

export interface StoredDecision {
  enrollmentId: string;
  boothId: string;
  decision: 'approve' | 'reject';
  reason: RejectionReason | null;
  note: string | null;
  officerId: string;
  decidedAt: Date;
}

export type DecideOutcome =
  | { ok: true; decision: StoredDecision; claims: SignoffClaims }
  | { ok: false; code: SignoffFailure; message: string }
  | { ok: false; code: 'ALREADY_DECIDED'; message: string; decision: StoredDecision };

interface DecisionRow {
  enrollment_id: string;
  booth_id: string;
  decision: 'approve' | 'reject';
  reason: RejectionReason | null;
  note: string | null;
  officer_id: string;
  decided_at: Date;
}

const fromRow = (row: DecisionRow): StoredDecision => ({
  enrollmentId: row.enrollment_id,
  boothId: row.booth_id,
  decision: row.decision,
  reason: row.reason,
  note: row.note,
  officerId: row.officer_id,
  decidedAt: row.decided_at,
});

export class Decisions {
  #keys: { list: ListedBoothKey[]; at: number } | null = null;
  /** Wakes the booths' waiting requests in this process when a decision is taken here. */
  readonly #taken = new EventEmitter().setMaxListeners(0);

  constructor(
    readonly db: UpstreamDatabase,
    readonly keys: UpstreamKeys,
    /** Told of each approval once it is recorded (activation issues the code). */
    readonly onApproved: (enrollmentId: string) => Promise<void> = async () => undefined,
  ) {}

  /** Every booth key with its kid: what the console caches to verify tokens in the page. `fresh`: not from the 5 s cache. */
  async boothKeys(fresh = false): Promise<ListedBoothKey[]> {
    if (!fresh && this.#keys && Date.now() - this.#keys.at < KEYS_CACHE_MS) return this.#keys.list;
    const rows = await this.db.query<{ booth_id: string; public_key: string; status: string }>(
      'SELECT booth_id, public_key, status FROM booths ORDER BY booth_id',
    );
    const list = rows.map((row) => ({
      kid: kidOf(row.public_key),
      boothId: row.booth_id,
      publicKey: row.public_key,
      revoked: row.status === 'revoked',
    }));
    this.#keys = { list, at: Date.now() };
    return list;
  }

  async verify(token: string, seen?: (kid: string, nonce: string) => boolean) {
    let keys = await this.boothKeys();
    const first = await this.#verifyWith(keys, token, seen);
    // A booth registered in the last few seconds is not in the cache yet: look once more.
    if (first.ok || first.reason !== 'UNKNOWN_BOOTH') return first;
    keys = await this.boothKeys(true);
    return this.#verifyWith(keys, token, seen);
  }

  #verifyWith(keys: ListedBoothKey[], token: string, seen?: (kid: string, nonce: string) => boolean) {
    return verifySignoffToken(token, {
      keysFor: (kid) =>
        keys
          .filter((key) => key.kid === kid)
          .map((key) => ({ ...key, publicKey: new Uint8Array(Buffer.from(key.publicKey, 'base64url')) })),
      now: Date.now(),
      seen,
    });
  }

  async find(enrollmentId: string): Promise<StoredDecision | null> {
    const [row] = await this.db.query<DecisionRow>(
      'SELECT enrollment_id, booth_id, decision, reason, note, officer_id, decided_at FROM signoff_decisions WHERE enrollment_id = $1',
      [enrollmentId],
    );
    return row ? fromRow(row) : null;
  }

  async nonceUsed(kid: string, nonce: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM used_token_nonces WHERE kid = $1 AND nonce = $2', [kid, nonce])).length > 0;
  }

  /** An officer's decision on a scanned token: checked again here, taken once per enrollment, logged. */
  async decide(
    session: OfficerSession,
    request: { token: string; decision: 'approve' | 'reject'; reason?: RejectionReason; note?: string },
  ): Promise<DecideOutcome> {
    const verdict = await this.verify(request.token);
    if (!verdict.ok) {
      await audit(this.db, session.officer.officerId, 'decision.refused', null, { reason: verdict.reason, detail: verdict.detail });
      return { ok: false, code: verdict.reason, message: verdict.detail };
    }
    const { claims, kid, boothId } = verdict;
    const nonce = Buffer.from(claims.nonce).toString('hex');
    const evidence = {
      nikLast4: claims.nikLast4,
      nikDigest: Buffer.from(claims.nikDigest).toString('hex'),
      ...claims.evidence,
      issuedAt: claims.issuedAt,
      expiresAt: claims.expiresAt,
    };
    const outcome = await this.db.transaction(async (tx): Promise<DecideOutcome> => {
      const fresh = await tx.query('INSERT INTO used_token_nonces (kid, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce', [
        kid,
        nonce,
      ]);
      const [existing] = await tx.query<DecisionRow>(
        'SELECT enrollment_id, booth_id, decision, reason, note, officer_id, decided_at FROM signoff_decisions WHERE enrollment_id = $1',
        [claims.enrollmentId],
      );
      if (existing)
        return {
          ok: false,
          code: 'ALREADY_DECIDED',
          message: `officer ${existing.officer_id} already decided (${existing.decision}) at ${existing.decided_at.toISOString()}`,
          decision: fromRow(existing),
        };
      if (fresh.length === 0) return { ok: false, code: 'REPLAYED', message: 'a decision was already taken on this code' };
      const [row] = await tx.query<DecisionRow>(
        `INSERT INTO signoff_decisions (enrollment_id, booth_id, kid, token_nonce, decision, reason, note, officer_id, evidence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
         RETURNING enrollment_id, booth_id, decision, reason, note, officer_id, decided_at`,
        [
          claims.enrollmentId,
          boothId,
          kid,
          nonce,
          request.decision,
          request.decision === 'reject' ? (request.reason ?? 'other') : null,
          request.note?.slice(0, 500) ?? null,
          session.officer.officerId,
          JSON.stringify(evidence),
        ],
      );
      await audit(tx, session.officer.officerId, `decision.${request.decision}`, claims.enrollmentId, {
        boothId,
        kid,
        nonce,
        reason: request.reason ?? null,
        note: request.note ?? null,
        evidence,
      });
      return { ok: true, decision: fromRow(row!), claims };
    });
    if (!outcome.ok) {
      await audit(this.db, session.officer.officerId, 'decision.refused', claims.enrollmentId, { reason: outcome.code });
      return outcome;
    }
    this.#taken.emit(claims.enrollmentId);
    // The code goes out in the background: the officer's answer does not wait for the mail server.
    if (outcome.decision.decision === 'approve')
      void this.onApproved(claims.enrollmentId).catch((error: Error) =>
        console.error(`activation after ${claims.enrollmentId}: ${error.message}`),
      );
    return outcome;
  }

  /** The decision as a booth receives it, signed by the upstream. */
  answer(decision: StoredDecision | null, enrollmentId: string): SignoffAnswer {
    if (!decision) return { enrollmentId, state: 'pending', serverTime: new Date().toISOString() };
    const fields = {
      enrollmentId,
      boothId: decision.boothId,
      state: decision.decision === 'approve' ? ('approved' as const) : ('rejected' as const),
      reason: decision.reason,
      officerId: decision.officerId,
      decidedAt: decision.decidedAt.toISOString(),
    };
    const signature = sign(null, decisionToBeSigned(fields), this.keys.signingKey).toString('base64url');
    return { ...fields, signature, serverTime: new Date().toISOString() };
  }

  /**
   * Waits up to `waitMs` for a decision on the enrollment: at once when taken in this process, otherwise seen by a look at
   * the database every `pollMs` (another upstream process may take it). Resolves with what is there at the end.
   */
  async waitFor(enrollmentId: string, waitMs: number, signal: AbortSignal, pollMs = 250): Promise<StoredDecision | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = await this.find(enrollmentId);
      if (found || Date.now() >= deadline || signal.aborted) return found;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#taken.off(enrollmentId, done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollMs, Math.max(0, deadline - Date.now())));
        this.#taken.once(enrollmentId, done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
