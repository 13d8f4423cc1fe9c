// Officers of the console: accounts, login with throttling, sessions, and
// the certificate each login gets for the phone's signing key.
//
// - Guessing is throttled twice. Per account: from the 5th failure in a
//   row the account is locked for 30 s, doubling with each further failure
//   up to an hour (a correct password during the lock is refused too).
//   Per address: after 20 failed logins in 10 minutes, whatever the ids
//   tried, that address waits until the oldest is 10 minutes old. An
//   unknown id costs the same scrypt time as a known one.
// - A session is a random 32-byte token in an HttpOnly, SameSite=Strict
//   cookie; only its SHA-256 is stored. It ends after 8 hours, after 30
//   minutes unused, or at logout. Each session has a CSRF token that every
//   change must send back in a header.
// - Every login, refusal and logout goes to the append-only audit log.
import { createHash, randomBytes, sign } from 'node:crypto';
import { encodeOfficerCertificate } from '../shared/signoff/approval';
import type { Queryable, UpstreamDatabase } from './db/database';
import type { UpstreamKeys } from './keys';
import { AddressThrottle } from './addressThrottle';
import { checkPassword, hashPassword, passwordProblem, UNKNOWN_OFFICER_HASH, SCRYPT_DEFAULT } from './passwords';

export const OFFICER_ID = /^[A-Za-z0-9._-]{1,32}$/;
export const SESSION_HOURS = 8;
export const SESSION_IDLE_MINUTES = 30;
export const LOCK_AFTER_FAILURES = 5;
const LOCK_BASE_S = 30;
const LOCK_MAX_S = 3600;

export interface Officer {
  officerId: string;
  displayName: string;
}

export interface OfficerSession {
  officer: Officer;
  csrfToken: string;
  /** base64url of the phone's Ed25519 public key. */
  officerKey: string;
  certificate: Buffer;
  expiresAt: Date;
}

export type LoginOutcome =
  | { ok: true; token: string; session: OfficerSession }
  | { ok: false; code: 'BAD_LOGIN'; message: string }
  | { ok: false; code: 'LOCKED'; message: string; retryAfterS: number };

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export async function audit(db: Queryable, actor: string, action: string, subject: string | null, detail: object = {}): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)', [
    actor,
    action,
    subject,
    JSON.stringify(detail),
  ]);
}

export class Officers {
  readonly #addresses: AddressThrottle;

  constructor(
    readonly db: UpstreamDatabase,
    readonly keys: UpstreamKeys,
    readonly options: { now?: () => number; passwordCost?: typeof SCRYPT_DEFAULT } = {},
  ) {
    this.#addresses = new AddressThrottle(() => this.#now());
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Adds an officer (the operator's command line). */
  async add(
    officerId: string,
    displayName: string,
    password: string,
  ): Promise<{ ok: true } | { ok: false; code: 'BAD_ID' | 'BAD_PASSWORD' | 'EXISTS'; message: string }> {
    if (!OFFICER_ID.test(officerId))
      return { ok: false, code: 'BAD_ID', message: 'an officer id is 1 to 32 letters, digits, dots, dashes or underscores' };
    const problem = passwordProblem(password);
    if (problem) return { ok: false, code: 'BAD_PASSWORD', message: problem };
    const hash = await hashPassword(password, this.options.passwordCost);
    const rows = await this.db.query(
      `INSERT INTO officers (officer_id, display_name, password_hash, status) VALUES ($1, $2, $3, 'active')
       ON CONFLICT (officer_id) DO NOTHING RETURNING officer_id`,
      [officerId, displayName.trim().slice(0, 100) || officerId, hash],
    );
    if (rows.length === 0) return { ok: false, code: 'EXISTS', message: `officer ${officerId} exists already` };
    await audit(this.db, 'operator', 'officer.added', officerId);
    return { ok: true };
  }

  async disable(officerId: string): Promise<boolean> {
    const rows = await this.db.query("UPDATE officers SET status = 'disabled' WHERE officer_id = $1 RETURNING officer_id", [officerId]);
    if (rows.length === 0) return false;
    await this.db.query('UPDATE officer_sessions SET ended_at = now() WHERE officer_id = $1 AND ended_at IS NULL', [officerId]);
    await audit(this.db, 'operator', 'officer.disabled', officerId);
    return true;
  }

  async login(request: { officerId: string; password: string; officerKey: Uint8Array; address: string }): Promise<LoginOutcome> {
    const addressWait = this.#addresses.wait(request.address);
    if (addressWait > 0) {
      await audit(this.db, 'anonymous', 'login.throttled', request.officerId.slice(0, 32), { address: request.address });
      return {
        ok: false,
        code: 'LOCKED',
        retryAfterS: addressWait,
        message: `too many failed logins from this device: wait ${addressWait} s`,
      };
    }
    const [row] = await this.db.query<{
      officer_id: string;
      display_name: string;
      password_hash: string;
      status: string;
      failed_logins: number;
      locked_until: Date | null;
    }>('SELECT officer_id, display_name, password_hash, status, failed_logins, locked_until FROM officers WHERE officer_id = $1', [
      request.officerId,
    ]);
    const now = this.#now();
    if (row?.locked_until && row.locked_until.getTime() > now) {
      const retryAfterS = Math.ceil((row.locked_until.getTime() - now) / 1000);
      await audit(this.db, request.officerId, 'login.locked', request.officerId, { address: request.address });
      return {
        ok: false,
        code: 'LOCKED',
        retryAfterS,
        message: `this account is locked after ${row.failed_logins} wrong passwords: wait ${retryAfterS} s`,
      };
    }
    const matches = await checkPassword(request.password, row?.password_hash ?? UNKNOWN_OFFICER_HASH);
    if (!row || !matches || row.status !== 'active') {
      this.#addresses.failed(request.address);
      if (row) {
        const failures = row.failed_logins + 1;
        const lockS = failures >= LOCK_AFTER_FAILURES ? Math.min(LOCK_MAX_S, LOCK_BASE_S * 2 ** (failures - LOCK_AFTER_FAILURES)) : 0;
        await this.db.query('UPDATE officers SET failed_logins = $2, locked_until = $3 WHERE officer_id = $1', [
          row.officer_id,
          failures,
          lockS > 0 ? new Date(now + lockS * 1000) : null,
        ]);
      }
      await audit(this.db, 'anonymous', 'login.refused', request.officerId.slice(0, 32), {
        address: request.address,
        known: !!row,
        disabled: row?.status === 'disabled',
      });
      return { ok: false, code: 'BAD_LOGIN', message: 'the officer id or the password is wrong' };
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now + SESSION_HOURS * 3_600_000);
    const certificate = Buffer.from(
      encodeOfficerCertificate(
        {
          officerId: row.officer_id,
          issuedAt: Math.floor(now / 1000),
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
          officerKey: request.officerKey,
        },
        (toBeSigned) => new Uint8Array(sign(null, toBeSigned, this.keys.signingKey)),
      ),
    );
    const officerKey = Buffer.from(request.officerKey).toString('base64url');
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE officers SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE officer_id = $1', [
        row.officer_id,
        new Date(now),
      ]);
      await tx.query(
        `INSERT INTO officer_sessions (session_hash, officer_id, csrf_token, officer_key, certificate, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
        [sha256(token), row.officer_id, csrfToken, officerKey, certificate, new Date(now), expiresAt],
      );
      await audit(tx, row.officer_id, 'login', row.officer_id, { address: request.address, officerKey });
    });
    return {
      ok: true,
      token,
      session: { officer: { officerId: row.officer_id, displayName: row.display_name }, csrfToken, officerKey, certificate, expiresAt },
    };
  }

  /** The live session of a cookie's token (and keeps it alive), or null. */
  async session(token: string | undefined): Promise<OfficerSession | null> {
    if (!token || token.length > 100) return null;
    const now = new Date(this.#now());
    const [row] = await this.db.query<{
      officer_id: string;
      display_name: string;
      csrf_token: string;
      officer_key: string;
      certificate: Buffer;
      expires_at: Date;
    }>(
      `UPDATE officer_sessions s SET last_seen_at = $2
       FROM officers o
       WHERE s.session_hash = $1 AND o.officer_id = s.officer_id AND o.status = 'active' AND s.ended_at IS NULL
         AND s.expires_at > $2 AND s.last_seen_at > $3
       RETURNING s.officer_id, o.display_name, s.csrf_token, s.officer_key, s.certificate, s.expires_at`,
      [sha256(token), now, new Date(now.getTime() - SESSION_IDLE_MINUTES * 60_000)],
    );
    if (!row) return null;
    return {
      officer: { officerId: row.officer_id, displayName: row.display_name },
      csrfToken: row.csrf_token,
      officerKey: row.officer_key,
      certificate: row.certificate,
      expiresAt: row.expires_at,
    };
  }

  async logout(token: string): Promise<void> {
    const rows = await this.db.query<{ officer_id: string }>(
      'UPDATE officer_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL RETURNING officer_id',
      [sha256(token)],
    );
    if (rows[0]) await audit(this.db, rows[0].officer_id, 'logout', rows[0].officer_id);
  }
}

export { ADDRESS_MAX_FAILURES } from './addressThrottle';
