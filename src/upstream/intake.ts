// Enrollment intake: each sealed record is taken exactly once, however often
// a booth (or a removable-media import) sends it. The record id is the
// idempotency key and the SHA-256 of its bytes the payload fingerprint,
// with the IETF Idempotency-Key draft's semantics:
//   - a new id: claimed ('in-progress'), checked, opened, stored, and
//     answered with a signed acknowledgement (201);
//   - the same id and bytes again: the original acknowledgement (200);
//   - the same id with other bytes: 422 (DIGEST_MISMATCH);
//   - the same id while the first is still being processed: 409 (IN_PROGRESS);
//     a claim left by a node that died is taken over after CLAIM_STALE_S.
// A batch costs a few round trips whatever its size: one claim, one read
// of the others, one statement that stores them all.
import type { KeyObject } from 'node:crypto';
import { cancellationContentSchema, enrollmentContentSchema, signoffContentSchema } from '../shared/upstream/enrollment';
import type { z } from 'zod';
import type { RecordOutcome, UpstreamErrorCode } from '../shared/upstream/api';
import { recordDigest, signAcknowledgement } from '../core/sync';
import { cbor, checkSealedRecord, HPKE_INFO, openBase, recordAad, type SealedRecord } from '../core/vault';
import type { UpstreamDatabase } from './db/database';
import type { UpstreamKeys } from './keys';
import type { BoothRegistry } from './registry';

/** A claim older than this is from a node that stopped mid-way: another request may take it over. */
export const CLAIM_STALE_S = 30;

export type IntakeVia = 'sync' | 'import';

interface Opened {
  id: string;
  record: SealedRecord;
  bytes: Uint8Array;
  digest: Buffer;
  content: Buffer;
  nik: string | null;
}

const reject = (id: string | null, status: 400 | 403, code: UpstreamErrorCode, message: string): RecordOutcome => ({
  id,
  status,
  code,
  message,
});

/**
 * The id and booth a record claims, read without trusting anything else in it: to route it and to answer about a record that
 * fails its checks. Nulls for bytes that are not a CBOR map with them.
 */
export function claimedHeader(bytes: Uint8Array): { id: string | null; boothId: string | null } {
  try {
    const value = cbor.decode(bytes) as { id?: unknown; boothId?: unknown } | null;
    return {
      id: typeof value?.id === 'string' && value.id.length <= 64 ? value.id : null,
      boothId: typeof value?.boothId === 'string' ? value.boothId : null,
    };
  } catch {
    return { id: null, boothId: null };
  }
}

export interface IntakeDeps {
  db: UpstreamDatabase;
  keys: UpstreamKeys;
  registry: BoothRegistry;
  now?: () => Date;
}

/**
 * Takes a batch of sealed records. `from` is the booth whose signed request carried them (every record must be its own), or
 * null for an import, where each record's booth is looked up. Answers one outcome per record, in order.
 */
export async function takeRecords(deps: IntakeDeps, items: Uint8Array[], from: string | null, via: IntakeVia): Promise<RecordOutcome[]> {
  const outcomes: Array<RecordOutcome | null> = items.map(() => null);
  const checked: Array<{ index: number; id: string; record: SealedRecord; bytes: Uint8Array; digest: Buffer }> = [];
  const seen = new Set<string>();
  for (const [index, bytes] of items.entries()) {
    const { id, boothId } = claimedHeader(bytes);
    if (boothId === null) {
      outcomes[index] = reject(id, 400, 'NOT_A_RECORD', 'not a sealed record (CBOR map with a booth id)');
      continue;
    }
    if (from !== null && boothId !== from) {
      outcomes[index] = reject(id, 403, 'WRONG_BOOTH', `record of booth ${boothId} sent by booth ${from}`);
      continue;
    }
    const booth = await deps.registry.find(boothId);
    if (!booth) {
      outcomes[index] = reject(id, 403, 'UNKNOWN_BOOTH', `booth ${boothId} is not in the registry`);
      continue;
    }
    if (booth.status === 'revoked') {
      outcomes[index] = reject(id, 403, 'BOOTH_REVOKED', `booth ${boothId} was revoked: ${booth.revokedReason ?? 'no reason given'}`);
      continue;
    }
    const result = checkSealedRecord(bytes, booth.publicKey);
    if (!result.ok) {
      outcomes[index] = reject(id, 400, result.problem === 'BAD_SIGNATURE' ? 'BAD_SIGNATURE' : 'NOT_A_RECORD', result.message);
      continue;
    }
    if (seen.has(result.record.id)) {
      outcomes[index] = reject(id, 400, 'NOT_A_RECORD', `record ${result.record.id} is twice in this batch`);
      continue;
    }
    seen.add(result.record.id);
    checked.push({ index, id: result.record.id, record: result.record, bytes, digest: recordDigest(bytes) });
  }
  if (checked.length === 0) return outcomes as RecordOutcome[];

  // Claim the new ids (and stale claims of the same bytes) in one statement.
  // Each claim's claimed_at (microseconds, as text) is its token: only the request that holds it may release or finish it.
  const claimedRows = await deps.db.query<{ record_id: string; token: string }>(
    `INSERT INTO intake (record_id, booth_id, digest, state, claimed_at)
     SELECT t.record_id, t.booth_id, t.digest, 'in-progress', clock_timestamp()
     FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS t(record_id, booth_id, digest)
     ON CONFLICT (record_id) DO UPDATE SET claimed_at = clock_timestamp()
       WHERE intake.state = 'in-progress' AND intake.digest = EXCLUDED.digest
         AND intake.claimed_at < clock_timestamp() - make_interval(secs => ${CLAIM_STALE_S})
     RETURNING record_id::text, claimed_at::text AS token`,
    [checked.map((item) => item.id), checked.map((item) => item.record.boothId), checked.map((item) => item.digest)],
  );
  const tokens = new Map(claimedRows.map((row) => [row.record_id, row.token]));
  const claimed = new Set(tokens.keys());
  const others = checked.filter((item) => !claimed.has(item.id));
  if (others.length > 0) {
    const rows = await deps.db.query<{ record_id: string; digest: Buffer; state: string; acknowledgement: Buffer | null }>(
      'SELECT record_id::text, digest, state, acknowledgement FROM intake WHERE record_id = ANY($1::uuid[])',
      [others.map((item) => item.id)],
    );
    const byId = new Map(rows.map((row) => [row.record_id, row]));
    for (const item of others) outcomes[item.index] = repeatOutcome(item, byId.get(item.id));
  }

  // Open and validate the claimed ones; a record that fails releases its claim (the booth may send it again once fixed).
  const opened: Array<Opened & { index: number }> = [];
  const released: string[] = [];
  for (const item of checked.filter((entry) => claimed.has(entry.id))) {
    const result = openRecord(deps.keys, item.record);
    if ('code' in result) {
      outcomes[item.index] = reject(item.id, 400, result.code, result.message);
      // A record sealed to a key this node does not hold may be another node's to take (a key rotation under way): its
      // claim is left to go stale, not released.
      if (result.code !== 'UNKNOWN_RECIPIENT_KEY') released.push(item.id);
      continue;
    }
    opened.push({ ...item, content: result.content, nik: result.nik });
  }
  if (released.length > 0)
    await deps.db.query(
      `DELETE FROM intake USING unnest($1::uuid[], $2::timestamptz[]) AS t(id, token)
       WHERE intake.record_id = ANY($1::uuid[]) AND intake.record_id = t.id AND intake.state = 'in-progress'
         AND intake.claimed_at = t.token`,
      [released, released.map((id) => tokens.get(id))],
    );
  if (opened.length > 0) {
    const receivedAt = (deps.now ?? (() => new Date()))().toISOString();
    const acks = opened.map((item) =>
      Buffer.from(
        signAcknowledgement(
          { recordId: item.id, boothId: item.record.boothId, digest: item.digest, receivedAt, upstreamKeyId: deps.keys.sealingKeyId },
          deps.keys.signingKey,
        ),
      ),
    );
    const finished = await storeRecords(deps.db, opened, acks, tokens, receivedAt, via);
    for (const [position, item] of opened.entries()) {
      const stored = finished.get(item.id);
      // Another request finished the same record meanwhile (it took over a stale claim): its acknowledgement is the answer.
      outcomes[item.index] =
        stored === 'ours'
          ? { id: item.id, status: 201, ack: acks[position] as Buffer }
          : stored === undefined
            ? { id: item.id, status: 409, code: 'IN_PROGRESS', message: `record ${item.id} is being taken; send it again later` }
            : { id: item.id, status: 200, ack: stored };
    }
  }
  return outcomes as RecordOutcome[];
}

function repeatOutcome(
  item: { id: string; digest: Buffer },
  row: { digest: Buffer; state: string; acknowledgement: Buffer | null } | undefined,
): RecordOutcome {
  if (!row) return { id: item.id, status: 409, code: 'IN_PROGRESS', message: `record ${item.id} is being taken; send it again later` };
  if (!row.digest.equals(item.digest))
    return {
      id: item.id,
      status: 422,
      code: 'DIGEST_MISMATCH',
      message: `record ${item.id} was received before with other bytes; these are not taken`,
    };
  if (row.state !== 'done' || !row.acknowledgement)
    return { id: item.id, status: 409, code: 'IN_PROGRESS', message: `record ${item.id} is being taken; send it again later` };
  return { id: item.id, status: 200, ack: row.acknowledgement };
}

/** Opens the HPKE content with the upstream's key and validates it for its kind. */
function openRecord(
  keys: UpstreamKeys,
  record: SealedRecord,
): { content: Buffer; nik: string | null } | { code: UpstreamErrorCode; message: string } {
  if (record.recipientKeyId !== keys.sealingKeyId)
    return {
      code: 'UNKNOWN_RECIPIENT_KEY',
      message: `record ${record.id} is sealed to key "${record.recipientKeyId}", not this upstream's "${keys.sealingKeyId}"`,
    };
  let plaintext: Buffer;
  try {
    plaintext = openBase(keys.sealingPrivateKey as KeyObject, record.enc, HPKE_INFO, recordAad(record), record.ct);
  } catch {
    return { code: 'UNREADABLE', message: `record ${record.id} does not open with this upstream's key` };
  }
  let content: unknown;
  try {
    content = cbor.decode(plaintext);
  } catch {
    return { code: 'INVALID_CONTENT', message: `record ${record.id}: its content is not CBOR` };
  }
  const schemas = { enrollment: enrollmentContentSchema, cancellation: cancellationContentSchema, signoff: signoffContentSchema } as const;
  const schema: z.ZodType = schemas[record.kind];
  const parsed = schema.safeParse(content);
  if (!parsed.success)
    return {
      code: 'INVALID_CONTENT',
      message: `record ${record.id}: ${parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    };
  const value = parsed.data as { enrollmentId: string; boothId?: string; citizen?: { nik: string } };
  const expectedEnrollment = record.kind === 'enrollment' ? record.id : record.about;
  if (value.enrollmentId !== expectedEnrollment || (value.boothId !== undefined && value.boothId !== record.boothId))
    return { code: 'INVALID_CONTENT', message: `record ${record.id}: its content names another enrollment or booth` };
  return { content: plaintext, nik: value.citizen?.nik ?? null };
}

/**
 * Stores the opened records whose claims are still this request's, marks those claims done and counts them on the fleet
 * page, in one statement (so one transaction and one round trip); answers who finished each record.
 */
async function storeRecords(
  db: UpstreamDatabase,
  opened: Opened[],
  acks: Buffer[],
  tokens: Map<string, string>,
  receivedAt: string,
  via: IntakeVia,
): Promise<Map<string, 'ours' | Buffer>> {
  // One row of parameters per record (not arrays): pg sends each Buffer as a binary parameter, so the 50 KB contents cross
  // without hex encoding on either side.
  const FIRST = 6;
  const rows = opened.map((_, index) => {
    const at = FIRST + index * 8;
    return `($${at}::uuid, $${at + 1}::text, $${at + 2}::text, $${at + 3}::uuid, $${at + 4}::timestamptz, $${at + 5}::text, $${at + 6}::bytea, $${at + 7}::bytea)`;
  });
  // "record_id = ANY(the ids)" beside each join keeps the planner on the primary key: joined with unnest() alone, it may scan
  // all of intake for every batch while its statistics still say the table is small, a cost that grows with every record
  // taken.
  // Every part sees the table as it was when the statement began. A record whose claim another request took over (after
  // CLAIM_STALE_S) is not ours: its stored acknowledgement is the answer if that request had finished by then, otherwise
  // none (409, sent again later).
  const answered = await db.query<{ record_id: string; ours: boolean; acknowledgement: Buffer | null }>(
    `WITH claims AS (
       SELECT * FROM unnest($3::uuid[], $4::bytea[], $5::timestamptz[]) AS c(id, ack, token)
     ), mine AS (
       UPDATE intake SET state = 'done', acknowledgement = claims.ack
       FROM claims
       WHERE intake.record_id = ANY($3::uuid[]) AND intake.record_id = claims.id AND intake.state = 'in-progress'
         AND intake.claimed_at = claims.token
       RETURNING intake.record_id, intake.booth_id
     ), stored AS (
       INSERT INTO records (record_id, booth_id, kind, about, created_at, received_at, via, nik, content, booth_signature)
       SELECT v.record_id, v.booth_id, v.kind, v.about, v.created_at, $1::timestamptz, $2::text, v.nik, v.content, v.booth_signature
       FROM (VALUES ${rows.join(', ')}) AS v(record_id, booth_id, kind, about, created_at, nik, content, booth_signature)
       WHERE v.record_id IN (SELECT record_id FROM mine)
       ON CONFLICT (record_id) DO NOTHING
     ), counted AS (
       -- The fleet page's counters, kept here so it never counts the records table.
       UPDATE booths SET records_received = records_received + m.n, last_record_at = $1::timestamptz
       FROM (SELECT booth_id, count(*)::integer AS n FROM mine GROUP BY booth_id) AS m
       WHERE booths.booth_id = m.booth_id
     )
     SELECT claims.id::text AS record_id, mine.record_id IS NOT NULL AS ours, other.acknowledgement
     FROM claims
     LEFT JOIN mine ON mine.record_id = claims.id
     LEFT JOIN intake AS other
       ON mine.record_id IS NULL AND other.record_id = ANY($3::uuid[]) AND other.record_id = claims.id AND other.state = 'done'`,
    [
      receivedAt,
      via,
      opened.map((item) => item.id),
      acks,
      opened.map((item) => tokens.get(item.id)),
      ...opened.flatMap((item) => [
        item.id,
        item.record.boothId,
        item.record.kind,
        item.record.about,
        item.record.createdAt,
        item.nik,
        item.content,
        Buffer.from(item.record.sig),
      ]),
    ],
  );
  const finished = new Map<string, 'ours' | Buffer>();
  for (const row of answered)
    if (row.ours) finished.set(row.record_id, 'ours');
    else if (row.acknowledgement) finished.set(row.record_id, row.acknowledgement);
  return finished;
}
