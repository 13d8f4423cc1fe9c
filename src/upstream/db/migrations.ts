// The upstream's schema as numbered migrations, the same SQL on PostgreSQL
// and PGlite. Each runs once, in a transaction that also records it; an
// advisory lock makes upstream nodes starting together take turns. Never
// edit a migration that has shipped; add the next one.
import type { Queryable, UpstreamDatabase } from './database';

export interface UpstreamMigration {
  version: number;
  summary: string;
  up(tx: Queryable): Promise<void>;
}

export const upstreamMigrations: readonly UpstreamMigration[] = [
  {
    version: 1,
    summary: 'booth registry, heartbeats, idempotent intake and stored records',
    async up(tx) {
      // booths: the registry that signatures are checked against. records_received and last_record_at are kept here so the
      // fleet page never counts the records table.
      await tx.query(`
        CREATE TABLE booths (
          booth_id text PRIMARY KEY,
          public_key text NOT NULL,
          status text NOT NULL CHECK (status IN ('active', 'revoked')),
          registered_at timestamptz NOT NULL DEFAULT now(),
          registered_by text NOT NULL,
          revoked_at timestamptz,
          revoked_reason text,
          records_received integer NOT NULL DEFAULT 0,
          last_record_at timestamptz,
          last_heartbeat_at timestamptz,
          heartbeat jsonb
        )`);
      await tx.query(`
        CREATE TABLE heartbeats (
          booth_id text NOT NULL REFERENCES booths(booth_id),
          received_at timestamptz NOT NULL DEFAULT now(),
          queue_depth integer NOT NULL
        )`);
      await tx.query('CREATE INDEX heartbeats_booth ON heartbeats (booth_id, received_at DESC)');
      // intake: the Idempotency-Key draft's store, one row per record id: the digest of the bytes first received, whether they
      // are still being processed, and the acknowledgement answered (the same answer for every repeat).
      await tx.query(`
        CREATE TABLE intake (
          record_id uuid PRIMARY KEY,
          booth_id text NOT NULL,
          digest bytea NOT NULL,
          state text NOT NULL CHECK (state IN ('in-progress', 'done')),
          claimed_at timestamptz NOT NULL,
          acknowledgement bytea
        )`);
      // records: the opened content (CBOR) and the booth's signature over the sealed record, as received.
      await tx.query(`
        CREATE TABLE records (
          record_id uuid PRIMARY KEY,
          booth_id text NOT NULL,
          kind text NOT NULL CHECK (kind IN ('enrollment', 'signoff', 'cancellation')),
          about uuid,
          created_at timestamptz NOT NULL,
          received_at timestamptz NOT NULL,
          via text NOT NULL CHECK (via IN ('sync', 'import')),
          nik text,
          content bytea NOT NULL,
          booth_signature bytea NOT NULL
        )`);
      // The content is mostly JPEG: PostgreSQL's compression would only spend CPU on it.
      await tx.query('ALTER TABLE records ALTER COLUMN content SET STORAGE EXTERNAL');
      await tx.query('CREATE INDEX records_booth ON records (booth_id, received_at)');
      await tx.query('CREATE INDEX records_about ON records (about) WHERE about IS NOT NULL');
      await tx.query('CREATE INDEX records_nik ON records (nik) WHERE nik IS NOT NULL');
    },
  },
  {
    version: 2,
    summary: 'officer sign-off: officers, their logins, decisions, used token nonces and an append-only audit log',
    async up(tx) {
      // officers: who may sign enrollments off. The password is kept as scrypt (src/upstream/passwords.ts); failed_logins and
      // locked_until throttle guessing with a backoff that doubles.
      await tx.query(`
        CREATE TABLE officers (
          officer_id text PRIMARY KEY,
          display_name text NOT NULL,
          password_hash text NOT NULL,
          status text NOT NULL CHECK (status IN ('active', 'disabled')),
          created_at timestamptz NOT NULL DEFAULT now(),
          failed_logins integer NOT NULL DEFAULT 0,
          locked_until timestamptz,
          last_login_at timestamptz
        )`);
      // officer_sessions: one per login on a phone. Only the SHA-256 of the cookie's token is kept; the CSRF token is sent back
      // in a header with every change; the phone's key and the certificate the upstream signed for it live as long as the login.
      await tx.query(`
        CREATE TABLE officer_sessions (
          session_hash bytea PRIMARY KEY,
          officer_id text NOT NULL REFERENCES officers(officer_id),
          csrf_token text NOT NULL,
          officer_key text NOT NULL,
          certificate bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_seen_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          ended_at timestamptz
        )`);
      // signoff_decisions: one decision per enrollment, the first one taken (a second officer is told who decided).
      await tx.query(`
        CREATE TABLE signoff_decisions (
          enrollment_id uuid PRIMARY KEY,
          booth_id text NOT NULL,
          kid text NOT NULL,
          token_nonce text NOT NULL,
          decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
          reason text,
          note text,
          officer_id text NOT NULL REFERENCES officers(officer_id),
          evidence jsonb NOT NULL,
          decided_at timestamptz NOT NULL DEFAULT now()
        )`);
      // used_token_nonces: a token (booth key id, nonce) is decided on once.
      await tx.query(`
        CREATE TABLE used_token_nonces (
          kid text NOT NULL,
          nonce text NOT NULL,
          used_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (kid, nonce)
        )`);
      // audit_log: every login, refusal and decision, in order. Append-only: a trigger refuses UPDATE and DELETE.
      await tx.query(`
        CREATE TABLE audit_log (
          seq bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor text NOT NULL,
          action text NOT NULL,
          subject text,
          detail jsonb NOT NULL DEFAULT '{}'::jsonb
        )`);
      await tx.query(`
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only';
        END $$`);
      await tx.query(`
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    },
  },
  {
    version: 3,
    summary: 'activation codes and their e-mail deliveries',
    async up(tx) {
      // activations: one per approved enrollment that has arrived. The code is kept as an HMAC only; nik_digest is what the
      // IKD app sends (SHA-256 of the NIK with a label), so redemption never needs the NIK in clear.
      await tx.query(`
        CREATE TABLE activations (
          enrollment_id uuid PRIMARY KEY,
          booth_id text NOT NULL,
          nik_digest text NOT NULL,
          email text NOT NULL,
          language text NOT NULL,
          code_hash bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          sends integer NOT NULL DEFAULT 0,
          last_sent_at timestamptz,
          failed_attempts integer NOT NULL DEFAULT 0,
          locked_until timestamptz,
          redeemed_at timestamptz
        )`);
      await tx.query('CREATE INDEX activations_nik ON activations (nik_digest, created_at DESC)');
      // email_deliveries: every sending, and why one failed (a server down, an address refused).
      await tx.query(`
        CREATE TABLE email_deliveries (
          id bigserial PRIMARY KEY,
          enrollment_id uuid NOT NULL,
          at timestamptz NOT NULL DEFAULT now(),
          ok boolean NOT NULL,
          message_id text,
          error text
        )`);
    },
  },
];

/** Applies what is missing; answers the versions applied now. Refuses a database from a newer upstream. */
export async function migrateUpstream(db: UpstreamDatabase): Promise<number[]> {
  return db.transaction(async (tx) => {
    // One node migrates at a time (released at COMMIT); the others then find nothing to do.
    await tx.query('SELECT pg_advisory_xact_lock(7242001)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, summary text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    const newest = Math.max(0, ...applied);
    const known = upstreamMigrations.length;
    if (newest > known)
      throw new Error(`the database is at schema version ${newest}, newer than this upstream (${known}): run the newer upstream`);
    const done: number[] = [];
    for (const migration of upstreamMigrations) {
      if (applied.has(migration.version)) continue;
      await migration.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, summary) VALUES ($1, $2)', [migration.version, migration.summary]);
      done.push(migration.version);
    }
    return done;
  });
}
