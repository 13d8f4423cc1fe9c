// Activation (issue 15, part 4): once the upstream holds both the sealed
// enrollment and an officer's approval of it, whichever came last, it
// issues a 6-digit activation code and e-mails it to the citizen (their
// language first, the other below). The code is kept only as an HMAC under
// a key derived from the upstream's own key, expires after 24 h, and is
// redeemed once through POST /v1/activations/redeem, which the IKD app
// calls with the code and a digest of the NIK the citizen types. Wrong
// codes are throttled: 5 in a row lock that activation for 15 minutes, and
// an address with 20 failures in 10 minutes waits. Every sending is
// recorded, failures too (email_deliveries), and an officer may resend at
// most 5 times, a minute apart.
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import nodemailer from 'nodemailer';
import { cbor } from '../core/vault';
import { ACTIVATION_NIK_LABEL } from '../shared/upstream/activation';
import type { Queryable, UpstreamDatabase } from './db/database';
import type { UpstreamKeys } from './keys';
import { AddressThrottle } from './addressThrottle';
import { audit } from './officers';

export const CODE_TTL_HOURS = 24;
export const MAX_SENDS = 5;
export const RESEND_AFTER_S = 60;
export const LOCK_AFTER_WRONG = 5;
const LOCK_MINUTES = 15;

export interface MailSettings {
  /** smtp://host:port or smtps://user:pass@host:port; null: no server, every sending is recorded as failed. */
  url: string | null;
  from: string;
}

export type RedeemOutcome =
  | { ok: true; enrollmentId: string }
  | { ok: false; status: 401; code: 'WRONG_CODE'; message: string }
  | { ok: false; status: 409; code: 'ALREADY_ACTIVATED'; message: string }
  | { ok: false; status: 410; code: 'CODE_EXPIRED'; message: string }
  | { ok: false; status: 429; code: 'LOCKED'; message: string; retryAfterS: number };

export type ResendOutcome =
  { ok: true; sentTo: string } | { ok: false; code: 'NOT_FOUND' | 'ALREADY_ACTIVATED' | 'TOO_MANY_SENDS' | 'TOO_SOON'; message: string };

interface EnrollmentForMail {
  email: string;
  language: 'id' | 'en';
  name: string;
  nik: string;
}

/** The e-mail, in the citizen's language first and the other below. */
export function activationEmail(to: EnrollmentForMail, code: string, expiresAt: Date): { subject: string; text: string } {
  const when = (locale: string) => expiresAt.toLocaleString(locale, { timeZone: 'Asia/Jakarta', dateStyle: 'long', timeStyle: 'short' });
  const id = [
    `Yth. ${to.name},`,
    '',
    `Kode aktivasi IKD Anda: ${code}`,
    '',
    `Buka aplikasi IKD, lalu masukkan kode ini dan NIK Anda. Kode berlaku sampai ${when('id-ID')} WIB dan hanya dapat digunakan sekali.`,
    'Jangan berikan kode ini kepada siapa pun, termasuk petugas. Jika Anda tidak mengaktifkan IKD, abaikan email ini.',
  ].join('\n');
  const en = [
    `Dear ${to.name},`,
    '',
    `Your IKD activation code: ${code}`,
    '',
    `Open the IKD app, then enter this code and your NIK. The code is valid until ${when('en-GB')} (WIB) and works once.`,
    'Do not give this code to anyone, officers included. If you did not activate IKD, ignore this email.',
  ].join('\n');
  const subject =
    to.language === 'en' ? 'Your IKD activation code / Kode aktivasi IKD Anda' : 'Kode aktivasi IKD Anda / Your IKD activation code';
  return { subject, text: to.language === 'en' ? `${en}\n\n---\n\n${id}\n` : `${id}\n\n---\n\n${en}\n` };
}

/** What the IKD app sends for a NIK: base64url(SHA-256(label + NIK)). */
export function activationNikDigest(nik: string): string {
  return createHash('sha256')
    .update(ACTIVATION_NIK_LABEL + nik)
    .digest('base64url');
}

export class Activations {
  readonly #secret: Buffer;
  readonly #transport: Transporter | null;
  readonly #addresses: AddressThrottle;

  constructor(
    readonly db: UpstreamDatabase,
    keys: UpstreamKeys,
    readonly mail: MailSettings,
    readonly options: { now?: () => number } = {},
  ) {
    // A key of its own for the codes' HMAC, derived from the upstream's signing key (never stored).
    this.#secret = createHash('sha256')
      .update('anjungan-ikd/activation-code-key/v1')
      .update(keys.signingKey.export({ format: 'der', type: 'pkcs8' }))
      .digest();
    this.#transport = mail.url ? nodemailer.createTransport(mail.url) : null;
    this.#addresses = new AddressThrottle(() => this.#now());
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  #codeHash(enrollmentId: string, code: string): Buffer {
    return createHmac('sha256', this.#secret).update(`${enrollmentId}:${code}`).digest();
  }

  /** After an officer's approval: issues the code if the enrollment is here too. */
  async afterDecision(enrollmentId: string): Promise<void> {
    await this.#issueWhereReady([enrollmentId]);
  }

  /** After enrollments arrived: issues the codes of those already approved. */
  async afterIntake(recordIds: readonly string[]): Promise<void> {
    if (recordIds.length > 0) await this.#issueWhereReady(recordIds);
  }

  async #issueWhereReady(ids: readonly string[]): Promise<void> {
    const ready = await this.db.query<{ enrollment_id: string; booth_id: string; content: Buffer }>(
      `SELECT d.enrollment_id, r.booth_id, r.content
       FROM signoff_decisions d
       JOIN records r ON r.record_id = d.enrollment_id AND r.kind = 'enrollment'
       LEFT JOIN activations a ON a.enrollment_id = d.enrollment_id
       WHERE d.enrollment_id = ANY($1::uuid[]) AND d.decision = 'approve' AND a.enrollment_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM records c WHERE c.about = d.enrollment_id AND c.kind = 'cancellation')`,
      [ids],
    );
    for (const row of ready) {
      const citizen = (cbor.decode(row.content) as { citizen: EnrollmentForMail }).citizen;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(this.#now() + CODE_TTL_HOURS * 3_600_000);
      const inserted = await this.db.query(
        `INSERT INTO activations (enrollment_id, booth_id, nik_digest, email, language, code_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (enrollment_id) DO NOTHING RETURNING enrollment_id`,
        [
          row.enrollment_id,
          row.booth_id,
          activationNikDigest(citizen.nik),
          citizen.email,
          citizen.language,
          this.#codeHash(row.enrollment_id, code),
          expiresAt,
        ],
      );
      // Another upstream process issued it at the same moment: its e-mail is the one.
      if (inserted.length === 0) continue;
      await audit(this.db, 'upstream', 'activation.issued', row.enrollment_id, { expiresAt: expiresAt.toISOString() });
      await this.#send(row.enrollment_id, citizen, code, expiresAt);
    }
  }

  async #send(enrollmentId: string, to: EnrollmentForMail, code: string, expiresAt: Date): Promise<boolean> {
    const message = activationEmail(to, code, expiresAt);
    let outcome: { ok: true; messageId: string } | { ok: false; error: string };
    if (!this.#transport) outcome = { ok: false, error: 'no SMTP server is configured (--smtp or SMTP_URL)' };
    else
      try {
        const sent = await this.#transport.sendMail({ from: this.mail.from, to: to.email, subject: message.subject, text: message.text });
        outcome =
          (sent.accepted?.length ?? 0) > 0
            ? { ok: true, messageId: sent.messageId }
            : { ok: false, error: `refused: ${(sent.rejected ?? []).join(', ')}` };
      } catch (error) {
        outcome = { ok: false, error: (error as Error).message.slice(0, 300) };
      }
    await this.db.transaction(async (tx: Queryable) => {
      await tx.query('INSERT INTO email_deliveries (enrollment_id, ok, message_id, error) VALUES ($1, $2, $3, $4)', [
        enrollmentId,
        outcome.ok,
        outcome.ok ? outcome.messageId : null,
        outcome.ok ? null : outcome.error,
      ]);
      await tx.query('UPDATE activations SET sends = sends + 1, last_sent_at = $2 WHERE enrollment_id = $1', [
        enrollmentId,
        new Date(this.#now()),
      ]);
    });
    return outcome.ok;
  }

  /** An officer sends a new code (the first was lost, or expired): at most MAX_SENDS, RESEND_AFTER_S apart. */
  async resend(enrollmentId: string, officerId: string): Promise<ResendOutcome> {
    const [row] = await this.db.query<{ sends: number; last_sent_at: Date | null; redeemed_at: Date | null; content: Buffer }>(
      `SELECT a.sends, a.last_sent_at, a.redeemed_at, r.content FROM activations a
       JOIN records r ON r.record_id = a.enrollment_id WHERE a.enrollment_id = $1`,
      [enrollmentId],
    );
    if (!row) return { ok: false, code: 'NOT_FOUND', message: 'no activation code was issued for this enrollment' };
    if (row.redeemed_at) return { ok: false, code: 'ALREADY_ACTIVATED', message: 'this IKD is activated already' };
    if (row.sends >= MAX_SENDS) return { ok: false, code: 'TOO_MANY_SENDS', message: `the code was sent ${row.sends} times already` };
    const since = row.last_sent_at ? (this.#now() - row.last_sent_at.getTime()) / 1000 : Infinity;
    if (since < RESEND_AFTER_S)
      return { ok: false, code: 'TOO_SOON', message: `wait ${Math.ceil(RESEND_AFTER_S - since)} s before sending again` };
    const citizen = (cbor.decode(row.content) as { citizen: EnrollmentForMail }).citizen;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(this.#now() + CODE_TTL_HOURS * 3_600_000);
    // A new code replaces the old one, and the wrong tries start again.
    await this.db.query(
      'UPDATE activations SET code_hash = $2, expires_at = $3, failed_attempts = 0, locked_until = NULL WHERE enrollment_id = $1',
      [enrollmentId, this.#codeHash(enrollmentId, code), expiresAt],
    );
    await audit(this.db, officerId, 'activation.resent', enrollmentId);
    await this.#send(enrollmentId, citizen, code, expiresAt);
    return { ok: true, sentTo: citizen.email.replace(/^(.).*(@.*)$/, '$1***$2') };
  }

  /** The IKD app's redemption: the code and the NIK's digest; activated once. */
  async redeem(request: { code: string; nikDigest: string }, address: string): Promise<RedeemOutcome> {
    const now = this.#now();
    const addressWait = this.#addresses.wait(address);
    if (addressWait > 0)
      return {
        ok: false,
        status: 429,
        code: 'LOCKED',
        message: `too many wrong codes from this device: wait ${addressWait} s`,
        retryAfterS: addressWait,
      };
    const wrong = (): RedeemOutcome => {
      this.#addresses.failed(address);
      return { ok: false, status: 401, code: 'WRONG_CODE', message: 'the code or the NIK is wrong' };
    };
    const [row] = await this.db.query<{
      enrollment_id: string;
      code_hash: Buffer;
      expires_at: Date;
      failed_attempts: number;
      locked_until: Date | null;
      redeemed_at: Date | null;
    }>(
      `SELECT enrollment_id, code_hash, expires_at, failed_attempts, locked_until, redeemed_at FROM activations
       WHERE nik_digest = $1 ORDER BY created_at DESC LIMIT 1`,
      [request.nikDigest],
    );
    if (!row) return wrong();
    if (row.locked_until && row.locked_until.getTime() > now) {
      const retryAfterS = Math.ceil((row.locked_until.getTime() - now) / 1000);
      return { ok: false, status: 429, code: 'LOCKED', message: `too many wrong codes: wait ${retryAfterS} s`, retryAfterS };
    }
    const expected = this.#codeHash(row.enrollment_id, request.code);
    if (!timingSafeEqual(expected, row.code_hash)) {
      const failures = row.failed_attempts + 1;
      await this.db.query('UPDATE activations SET failed_attempts = $2, locked_until = $3 WHERE enrollment_id = $1', [
        row.enrollment_id,
        failures >= LOCK_AFTER_WRONG ? 0 : failures,
        failures >= LOCK_AFTER_WRONG ? new Date(now + LOCK_MINUTES * 60_000) : null,
      ]);
      await audit(this.db, 'app', 'activation.wrong_code', row.enrollment_id, { address });
      return wrong();
    }
    if (row.redeemed_at) return { ok: false, status: 409, code: 'ALREADY_ACTIVATED', message: 'this IKD is activated already' };
    if (row.expires_at.getTime() <= now)
      return { ok: false, status: 410, code: 'CODE_EXPIRED', message: 'the code has expired: ask at a Dukcapil desk for a new one' };
    // Redeemed once: the update only succeeds for the first of two requests at the same moment.
    const taken = await this.db.query(
      'UPDATE activations SET redeemed_at = $2, failed_attempts = 0 WHERE enrollment_id = $1 AND redeemed_at IS NULL RETURNING enrollment_id',
      [row.enrollment_id, new Date(now)],
    );
    if (taken.length === 0) return { ok: false, status: 409, code: 'ALREADY_ACTIVATED', message: 'this IKD is activated already' };
    await audit(this.db, 'app', 'activation.redeemed', row.enrollment_id, { address });
    return { ok: true, enrollmentId: row.enrollment_id };
  }

  close(): void {
    this.#transport?.close();
  }
}
