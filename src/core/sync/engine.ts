// The sync engine: drains the vault's outbox to the upstream in batches,
// in the background, so a citizen's done screen never waits for the
// network. Delivery is at least once; the upstream's idempotent intake
// makes it exactly once. A record is marked acknowledged only with the
// upstream's signed acknowledgement of its exact bytes, and is purged by
// the vault only after that (and its retention).
//
// Failures back off with full jitter up to a cap, honouring Retry-After;
// while the upstream is unreachable the booth only sends a small health
// probe at those times. The checkpoint (failures so far, next attempt,
// last success and error, the clock offset, a blocking problem) is kept in
// the vault, so a restarted booth resumes its backoff instead of
// hammering. Problems that retrying cannot fix (a wrong upstream, an
// unregistered or revoked booth) block the sync and say so; it looks again
// only rarely.
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  healthAnswerSchema,
  upstreamErrorSchema,
  type BatchAnswer,
  type HeartbeatBody,
  type RecordOutcome,
} from '../../shared/upstream/api';
import type { Logger } from '../logging';
import { cbor, type VaultWriterApi } from '../vault';
import type { WorkerClient } from '../workers';
import { checkAcknowledgement } from './acknowledgement';
import { pollSignoffDecision, type SignoffPoll } from './signoffDecision';
import { createTransport, fullJitter, retryAfterMs, type Exchange, type Transport } from './transport';

export type SyncState = 'starting' | 'idle' | 'syncing' | 'offline' | 'backing-off' | 'blocked' | 'stopped';
export type SyncBlock = 'WRONG_UPSTREAM' | 'NOT_REGISTERED' | 'BOOTH_REVOKED';

export interface SyncProblem {
  code: string;
  message: string;
  /** ISO 8601. */
  at: string;
}

/** The checkpoint kept in the vault's sync_state table. */
export interface SyncCheckpoint {
  consecutiveFailures: number;
  /** ms since the epoch; null: now. */
  nextAttemptAt: number | null;
  lastSuccessAt: string | null;
  lastError: SyncProblem | null;
  /** Upstream clock minus booth clock (ms), from the last health probe. */
  clockOffsetMs: number | null;
  blocked: (SyncProblem & { code: SyncBlock }) | null;
  lastHeartbeatAt: string | null;
  upstreamUrl: string | null;
}

export const emptyCheckpoint: SyncCheckpoint = {
  consecutiveFailures: 0,
  nextAttemptAt: null,
  lastSuccessAt: null,
  lastError: null,
  clockOffsetMs: null,
  blocked: null,
  lastHeartbeatAt: null,
  upstreamUrl: null,
};

export interface SyncStatus extends SyncCheckpoint {
  state: SyncState;
}

/** What the heartbeat tells of the booth beyond the sync's own state (the composition root gathers it). */
export type HeartbeatFacts = Pick<HeartbeatBody, 'disk' | 'software' | 'selfTest'>;

export interface SyncEngineOptions {
  writer: WorkerClient<VaultWriterApi>;
  boothId: string;
  signingKey: KeyObject;
  upstreamUrl: string;
  /** The upstream's Ed25519 key that signs acknowledgements (base64url of 32 bytes). */
  upstreamSigningKey: string;
  /** The key records are sealed to: an upstream with another one is not this booth's upstream. */
  sealingKey: { id: string; publicKey: string };
  batchSize: number;
  backoff: { baseMs: number; capMs: number };
  heartbeatMs: number;
  requestTimeoutMs: number;
  retentionMs: number;
  /** Ask the upstream to register this booth's key when it does not know the booth (only an open upstream agrees). */
  register: boolean;
  softwareVersion: string;
  facts: () => Promise<HeartbeatFacts>;
  logger: Logger;
  /** How long a blocked sync waits before it looks again. Default 30 min. */
  blockedRecheckMs?: number;
  random?: () => number;
  /** The booth's own clock (tests give one that is off, as a booth's may be). Default Date.now. */
  clock?: () => number;
}

export interface SyncEngine {
  /** Records were committed: sync soon, unless backing off (the wait stands). */
  nudge(): void;
  status(): Promise<SyncStatus>;
  /** Tests and the demo: one pass now, whatever the wait; resolves when it ends. */
  syncNow(): Promise<SyncStatus>;
  /** Asks the upstream for the officer's decision on an enrollment, waiting up to waitS for it (bounded by the request timeout). */
  signoffDecision(enrollmentId: string, waitS: number): Promise<SignoffPoll>;
  stop(): Promise<void>;
}

/** A record refused for good by the upstream waits this long before it is offered again (the upstream may be fixed). */
const REFUSED_RETRY_MS = 6 * 3_600_000;
/** A record the upstream is still taking (409) is offered again after this. */
const IN_PROGRESS_RETRY_MS = 30_000;
/** The longest a Retry-After is honoured. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** Batches in one pass at most (a pass then yields; the next follows at once). */
const MAX_BATCHES_PER_PASS = 200;

type PassEnd =
  | { kind: 'drained' }
  | { kind: 'failed'; problem: SyncProblem; retryAfter: number | null; offline: boolean }
  | { kind: 'blocked'; problem: SyncProblem & { code: SyncBlock } };

const problem = (code: string, message: string): SyncProblem => ({ code, message, at: new Date().toISOString() });
/** A pass that ends on a problem retrying cannot fix. */
const blockedBy = (code: SyncBlock, message: string): PassEnd & { kind: 'blocked' } => ({
  kind: 'blocked',
  problem: { ...problem(code, message), code },
});

export async function createSyncEngine(options: SyncEngineOptions): Promise<SyncEngine> {
  const { writer, logger } = options;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const upstreamPublicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: options.upstreamSigningKey }, format: 'jwk' });
  const saved = await writer.call('syncState', {});
  let checkpoint: SyncCheckpoint = { ...emptyCheckpoint, ...(saved.ok ? (saved.value as Partial<SyncCheckpoint>) : {}) };
  // Another upstream than the one the checkpoint was about: its backoff and block do not carry over.
  if (checkpoint.upstreamUrl !== options.upstreamUrl)
    checkpoint = { ...checkpoint, consecutiveFailures: 0, nextAttemptAt: null, blocked: null, upstreamUrl: options.upstreamUrl };
  let state: SyncState = 'starting';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let registrationTried = false;
  /** Records the upstream did not acknowledge in this pass (they wait; the pass itself went through): the last error says so. */
  let passRefusals: SyncProblem | null = null;
  const transport: Transport = createTransport({
    baseUrl: options.upstreamUrl,
    boothId: options.boothId,
    signingKey: options.signingKey,
    timeoutMs: options.requestTimeoutMs,
    upstreamNow: () => clock() + (checkpoint.clockOffsetMs ?? 0),
  });

  const save = async (changes: Partial<SyncCheckpoint>) => {
    checkpoint = { ...checkpoint, ...changes };
    const result = await writer.call('saveSyncState', { values: { ...checkpoint } });
    if (!result.ok || !result.value.ok)
      logger.warn({ event: 'sync.checkpoint_not_saved' }, result.ok ? (result.value as { message: string }).message : result.message);
  };

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => void runPass(), Math.max(0, delayMs));
    timer.unref();
  };

  /** The health probe: connectivity, the upstream's keys (is it ours?) and its clock. */
  async function probe(): Promise<PassEnd | null> {
    const sentAt = clock();
    const answer = await transport.get('/v1/health');
    if (!answer.ok) return { kind: 'failed', problem: problem('OFFLINE', answer.message), retryAfter: null, offline: true };
    if (answer.status !== 200) return httpFailure(answer);
    let health;
    try {
      health = healthAnswerSchema.parse(JSON.parse(answer.body.toString('utf8')));
    } catch {
      return {
        kind: 'failed',
        problem: problem('BAD_ANSWER', 'the upstream health answer is not what this booth understands'),
        retryAfter: null,
        offline: false,
      };
    }
    if (health.signingKey.publicKey !== options.upstreamSigningKey || health.sealingKey.publicKey !== options.sealingKey.publicKey)
      return blockedBy(
        'WRONG_UPSTREAM',
        `the upstream at ${options.upstreamUrl} has other keys than this booth was given (sealing key "${health.sealingKey.id}"): is the booth pointed at another upstream? Nothing is sent to it.`,
      );
    // The upstream's clock at the middle of the exchange, against ours.
    const offset = Date.parse(health.serverTime) - Math.round((sentAt + clock()) / 2);
    if (Math.abs(offset) > 60_000 && Math.abs((checkpoint.clockOffsetMs ?? 0) - offset) > 10_000)
      logger.warn(
        { event: 'sync.clock_offset', offsetMs: offset },
        `the booth's clock is ${Math.round(offset / 1000)} s off the upstream's: requests are signed with the upstream's time`,
      );
    checkpoint.clockOffsetMs = offset;
    return null;
  }

  function httpFailure(answer: Extract<Exchange, { ok: true }>): Exclude<PassEnd, { kind: 'drained' }> {
    let code = `HTTP_${answer.status}`;
    let message = `the upstream answered ${answer.status}`;
    try {
      const parsed = upstreamErrorSchema.parse(JSON.parse(answer.body.toString('utf8')));
      code = parsed.error.code;
      message = parsed.error.message;
    } catch {
      // Not the upstream's error shape (a proxy's page): the status says enough.
    }
    if (code === 'BOOTH_REVOKED') return blockedBy('BOOTH_REVOKED', message);
    if (code === 'UNKNOWN_BOOTH' || code === 'REGISTRATION_CLOSED')
      return blockedBy('NOT_REGISTERED', message.includes(options.boothId) ? message : `${message} (this booth: ${options.boothId})`);
    const waitFor =
      answer.status === 429 || answer.status === 503
        ? retryAfterMs(answer.headers.get('retry-after'), clock() + (checkpoint.clockOffsetMs ?? 0))
        : null;
    return { kind: 'failed', problem: problem(code, message), retryAfter: waitFor, offline: false };
  }

  /** Presents the booth's key to an upstream that does not know it (accepted only where registration is open). */
  async function registerBooth(): Promise<PassEnd | null> {
    registrationTried = true;
    const publicKey = createPublicKey(options.signingKey).export({ format: 'jwk' }).x ?? '';
    const body = Buffer.from(JSON.stringify({ boothId: options.boothId, publicKey, softwareVersion: options.softwareVersion }));
    const answer = await transport.signed({ method: 'POST', path: '/v1/booths/register', body, contentType: 'application/json' });
    if (!answer.ok) return { kind: 'failed', problem: problem('OFFLINE', answer.message), retryAfter: null, offline: true };
    if (answer.status === 200 || answer.status === 201) {
      logger.info({ event: 'sync.registered', boothId: options.boothId }, 'the upstream registered this booth');
      return null;
    }
    const failure = httpFailure(answer);
    if (failure.kind === 'blocked' && failure.problem.code === 'NOT_REGISTERED' && !failure.problem.message.includes('booth add'))
      failure.problem.message = `${failure.problem.message}. The upstream's operator registers it with: npm run upstream -- booth add ${options.boothId} ${publicKey}`;
    return failure;
  }

  /** One batch: answers how many records it held (0: the queue is drained), or how the pass ends. */
  async function sendBatch(): Promise<number | PassEnd> {
    const now = Date.now();
    const next = await writer.call('nextPending', { limit: options.batchSize, now });
    if (!next.ok) return { kind: 'failed', problem: problem('VAULT', next.message), retryAfter: null, offline: false };
    const read = next.value;
    if (read.length === 0) return 0;
    const marked = await writer.call('markSendingMany', { ids: read.map((row) => row.id), now });
    if (!marked.ok || !marked.value.ok)
      return {
        kind: 'failed',
        problem: problem('VAULT', marked.ok ? (marked.value as { message: string }).message : marked.message),
        retryAfter: null,
        offline: false,
      };
    // Only the rows this call moved to 'sending' go out (another pass may hold the rest).
    const moved = new Set(marked.value.sending);
    const rows = read.filter((row) => moved.has(row.id));
    if (rows.length === 0) return 0;
    const body = cbor.encode({ records: rows.map((row) => row.sealed) });
    const answer = await transport.signed({ method: 'POST', path: '/v1/records', body, contentType: 'application/cbor' });
    const failAll = async (end: PassEnd & { kind: 'failed' | 'blocked' }) => {
      const settled = await settle(
        [],
        rows.map((row) => ({ id: row.id, error: `${end.problem.code}: ${end.problem.message}`, retryAt: null })),
      );
      return settled ?? end;
    };
    if (!answer.ok)
      return failAll({
        kind: 'failed',
        problem: problem('OFFLINE', answer.message),
        retryAfter: null,
        offline: answer.reason === 'UNREACHABLE',
      });
    if (answer.status !== 200) {
      const failure = httpFailure(answer);
      if (failure.kind === 'failed' && failure.problem.code === 'SIGNATURE_EXPIRED') {
        // Our clock is off from the upstream's: measure again, and the next batch is signed with its time.
        const again = await probe();
        if (again) return failAll(again as PassEnd & { kind: 'failed' | 'blocked' });
      }
      if (failure.kind === 'blocked' && failure.problem.code === 'NOT_REGISTERED' && options.register && !registrationTried) {
        await failAll(failure);
        const registered = await registerBooth();
        return registered ?? rows.length;
      }
      return failAll(failure);
    }
    let parsed: BatchAnswer;
    try {
      parsed = cbor.decode(answer.body) as BatchAnswer;
      if (!Array.isArray(parsed.results)) throw new Error('no results');
    } catch {
      return failAll({
        kind: 'failed',
        problem: problem('BAD_ANSWER', 'the upstream answer to a batch is not readable'),
        retryAfter: null,
        offline: false,
      });
    }
    const outcomes = new Map<string, RecordOutcome>();
    for (const result of parsed.results) if (result && typeof result.id === 'string') outcomes.set(result.id, result);
    const acknowledged: Array<{ id: string; acknowledgement: Uint8Array }> = [];
    const failed: Array<{ id: string; error: string; retryAt: number | null }> = [];
    let block: (PassEnd & { kind: 'blocked' }) | null = null;
    let unreadable: SyncProblem | null = null;
    for (const row of rows) {
      const outcome = outcomes.get(row.id);
      if (!outcome) {
        // Not offered again at once: an upstream that keeps leaving a record out must not be asked again and again.
        failed.push({ id: row.id, error: 'the upstream answer did not mention this record', retryAt: now + IN_PROGRESS_RETRY_MS });
        continue;
      }
      if ('ack' in outcome && outcome.ack instanceof Uint8Array) {
        const checked = checkAcknowledgement(outcome.ack, {
          recordId: row.id,
          boothId: options.boothId,
          sealed: row.sealed,
          upstreamPublicKey,
        });
        if (checked.ok) acknowledged.push({ id: row.id, acknowledgement: outcome.ack });
        else {
          // Not the record's fault: it goes again as soon as the pass's block or backoff allows.
          failed.push({ id: row.id, error: `${checked.problem}: ${checked.message}`, retryAt: null });
          // An acknowledgement by another key, or of other bytes or another record: this is not an upstream to trust.
          if (checked.problem === 'BAD_SIGNATURE' || checked.problem === 'WRONG_RECORD')
            block = blockedBy('WRONG_UPSTREAM', checked.message);
          else unreadable = problem('BAD_ANSWER', `an acknowledgement from the upstream is not readable: ${checked.message}`);
        }
        continue;
      }
      const refused = outcome as Extract<RecordOutcome, { code: string }>;
      const error = `${refused.code}: ${refused.message}`;
      if (refused.status === 409) failed.push({ id: row.id, error, retryAt: now + IN_PROGRESS_RETRY_MS });
      else {
        failed.push({ id: row.id, error, retryAt: now + REFUSED_RETRY_MS });
        logger.error({ event: 'sync.record_refused', id: row.id, code: refused.code }, refused.message);
        if (refused.code === 'UNKNOWN_RECIPIENT_KEY') block = blockedBy('WRONG_UPSTREAM', refused.message);
      }
    }
    const settled = await settle(acknowledged, failed);
    if (settled) return settled;
    if (block) return block;
    if (unreadable) return { kind: 'failed', problem: unreadable, retryAfter: null, offline: false };
    if (failed.length > 0) {
      const first = failed[0]!;
      passRefusals = problem(
        'RECORDS_NOT_ACKNOWLEDGED',
        `${failed.length} of ${rows.length} records not acknowledged (first: ${first.error})`,
      );
    }
    return rows.length;
  }

  /** Records a batch's outcome in the vault; answers how the pass ends when the vault cannot write it. */
  async function settle(
    acknowledged: Array<{ id: string; acknowledgement: Uint8Array }>,
    failed: Array<{ id: string; error: string; retryAt: number | null }>,
  ): Promise<(PassEnd & { kind: 'failed' }) | null> {
    const result = await writer.call('settleBatch', { acknowledged, failed, now: Date.now(), retentionMs: options.retentionMs });
    if (!result.ok || !result.value.ok) {
      // The rows stay 'sending' until the vault can write again; a restart puts them back to pending (nothing is lost).
      const message = result.ok ? (result.value as { message: string }).message : result.message;
      logger.error({ event: 'sync.settle_failed' }, message);
      return {
        kind: 'failed',
        problem: problem('VAULT', `the vault could not record a batch's outcome: ${message}`),
        retryAfter: null,
        offline: false,
      };
    }
    if (acknowledged.length > 0)
      logger.info({ event: 'sync.acknowledged', records: acknowledged.length }, 'records acknowledged by the upstream');
    return null;
  }

  /** Sends a heartbeat; answers how the pass ends when the upstream refuses the booth itself (unregistered, revoked). */
  async function heartbeat(): Promise<(PassEnd & { kind: 'blocked' }) | null> {
    const counts = await writer.call('counts', {});
    const facts = await options.facts();
    const depth = counts.ok ? counts.value.pending + counts.value.sending : 0;
    const oldest = counts.ok ? counts.value.oldestUnsentAt : null;
    const body: HeartbeatBody = {
      boothId: options.boothId,
      sentAt: new Date().toISOString(),
      queue: { depth, oldestAgeSeconds: oldest === null ? null : Math.max(0, (Date.now() - oldest) / 1000) },
      sync: { state, lastSuccessAt: checkpoint.lastSuccessAt, lastError: checkpoint.lastError, clockOffsetMs: checkpoint.clockOffsetMs },
      ...facts,
    };
    const answer = await transport.signed({
      method: 'POST',
      path: '/v1/heartbeats',
      body: Buffer.from(JSON.stringify(body)),
      contentType: 'application/json',
    });
    if (answer.ok && answer.status === 200) {
      checkpoint.lastHeartbeatAt = new Date().toISOString();
      return null;
    }
    const failure = answer.ok ? httpFailure(answer) : null;
    if (failure?.kind === 'blocked') return failure;
    logger.warn(
      { event: 'sync.heartbeat_failed' },
      failure ? `${failure.problem.code}: ${failure.problem.message}` : (answer as { message: string }).message,
    );
    return null;
  }

  /** A pass that went through: the failures and any block are over; the last error is only what this pass left refused. */
  const saveSuccess = () =>
    save({ consecutiveFailures: 0, nextAttemptAt: null, lastSuccessAt: new Date().toISOString(), lastError: passRefusals, blocked: null });

  /** One pass; answers whether it went through (a nudge that came meanwhile may then start the next one at once). */
  async function pass(): Promise<boolean> {
    state = 'syncing';
    passRefusals = null;
    let end: PassEnd | null = await probe();
    let batches = 0;
    while (!end && !stopped && batches < MAX_BATCHES_PER_PASS) {
      const sent = await sendBatch();
      if (typeof sent !== 'number') end = sent;
      else if (sent === 0) end = { kind: 'drained' };
      else batches++;
    }
    if (stopped) return false;
    if (!end) {
      // More than one pass's worth: the next pass follows at once.
      await saveSuccess();
      again = true;
      return true;
    }
    if (end.kind === 'drained') {
      const wasFailing = checkpoint.consecutiveFailures > 0;
      await saveSuccess();
      if (wasFailing) logger.info({ event: 'sync.reconnected' }, 'the upstream is reachable again; the queue is drained');
      state = 'idle';
      const heartbeatDue =
        !checkpoint.lastHeartbeatAt || Date.now() - Date.parse(checkpoint.lastHeartbeatAt) >= options.heartbeatMs || batches > 0;
      let refused: (PassEnd & { kind: 'blocked' }) | null = null;
      if (heartbeatDue) {
        // A booth with nothing to send still makes itself known: its heartbeat registers it where the upstream allows.
        refused = await heartbeat();
        if (refused?.problem.code === 'NOT_REGISTERED' && options.register && !registrationTried) {
          const registered = await registerBooth();
          refused = registered?.kind === 'blocked' ? registered : registered ? null : await heartbeat();
        }
        await save({});
      }
      if (!refused) {
        registrationTried = false;
        schedule(options.heartbeatMs);
        return true;
      }
      end = refused;
    }
    const last = end as Exclude<PassEnd, { kind: 'drained' }>;
    if (last.kind === 'blocked') {
      state = 'blocked';
      const recheck = options.blockedRecheckMs ?? 1_800_000;
      if (checkpoint.blocked?.code !== last.problem.code)
        logger.error({ event: 'sync.blocked', code: last.problem.code }, last.problem.message);
      await save({ blocked: last.problem, lastError: last.problem, nextAttemptAt: Date.now() + recheck });
      schedule(recheck);
      return false;
    }
    const failures = checkpoint.consecutiveFailures + 1;
    const jittered = fullJitter(failures, options.backoff.baseMs, options.backoff.capMs, random);
    const wait = Math.min(
      Math.max(jittered, last.retryAfter ?? 0),
      Math.max(options.backoff.capMs, Math.min(last.retryAfter ?? 0, MAX_RETRY_AFTER_MS)),
    );
    state = last.offline ? 'offline' : 'backing-off';
    if (checkpoint.lastError?.code !== last.problem.code)
      logger.warn({ event: 'sync.failed', code: last.problem.code, retryInMs: wait }, last.problem.message);
    await save({ consecutiveFailures: failures, lastError: last.problem, nextAttemptAt: Date.now() + wait });
    schedule(wait);
    return false;
  }

  function runPass(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        // A nudge during a pass runs one more, but only after a pass that went through: a failed one keeps its wait.
        let wentThrough = true;
        do {
          again = false;
          wentThrough = await pass();
        } while (again && wentThrough && !stopped);
      } catch (error) {
        logger.error({ event: 'sync.pass_failed' }, `the sync pass failed: ${(error as Error).stack ?? String(error)}`);
        schedule(options.backoff.capMs);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  // Resume: a wait the checkpoint holds (from before a restart) is kept, within the cap.
  const resumeIn =
    checkpoint.nextAttemptAt === null
      ? 0
      : Math.min(
          Math.max(0, checkpoint.nextAttemptAt - Date.now()),
          Math.max(options.backoff.capMs, options.blockedRecheckMs ?? 1_800_000),
        );
  if (checkpoint.blocked) state = 'blocked';
  schedule(resumeIn);

  return {
    nudge() {
      if (stopped || state === 'offline' || state === 'backing-off' || state === 'blocked') return;
      schedule(0);
    },
    async status() {
      return { ...checkpoint, state };
    },
    async syncNow() {
      clearTimeout(timer);
      await runPass();
      return { ...checkpoint, state };
    },
    signoffDecision(enrollmentId, waitS) {
      if (stopped) return Promise.resolve({ kind: 'unreachable', message: 'the sync has stopped' });
      // The wait ends well before the request's own timeout, so a pending answer is not mistaken for a dead upstream.
      const wait = Math.min(waitS, Math.floor(options.requestTimeoutMs / 1000) - 2);
      return pollSignoffDecision(transport, { enrollmentId, boothId: options.boothId, upstreamPublicKey }, wait);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      state = 'stopped';
      // A request in flight is abandoned (its records go back to pending, or stay 'sending' until the next start); stopping
      // never waits for the network.
      transport.abort();
      await running;
    },
  };
}
