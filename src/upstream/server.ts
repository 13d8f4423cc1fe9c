// The reference upstream's HTTP API on Fastify: booths sign every request
// (RFC 9421, checked against the registry), send sealed records in batches
// (CBOR) and heartbeats (JSON); the fleet page shows every booth. Bodies
// are taken as raw bytes, because the signature covers their digest; JSON
// bodies are then validated with the shared contract's schemas, and route
// parameters and headers with Fastify's own schemas. The API is described
// in docs/upstream-api.json (test/integration/upstream/openapi.test.ts
// compares it with the routes registered here).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  heartbeatBodySchema,
  registerBodySchema,
  type BatchAnswer,
  type HealthAnswer,
  type UpstreamErrorCode,
} from '../shared/upstream/api';
import { cbor } from '../core/vault';
import { verifyBoothRequest } from './boothAuth';
import type { UpstreamDatabase } from './db/database';
import { fleetStatus, renderFleetPage } from './fleet';
import { claimedHeader, takeRecords } from './intake';
import type { UpstreamKeys } from './keys';
import { BoothRegistry, ed25519FromText, type RegisteredBooth } from './registry';
import { registerConsoleRoutes } from './console';
import { registerConsolePage } from './consolePage';
import { parseJson } from './parseJson';
import { Decisions } from './decisions';
import { Officers } from './officers';
import { Activations, type MailSettings } from './activation';
import { redeemBodySchema } from '../shared/upstream/activation';
import type { SCRYPT_DEFAULT } from './passwords';

export const CBOR_TYPE = 'application/cbor';
/** The sender of activation e-mails unless the operator names one (--mail-from, MAIL_FROM). */
export const DEFAULT_MAIL_FROM = 'IKD Dukcapil <no-reply@ikd.invalid>';
/** At most this many records in one batch, and this many bytes in one request (a batch of 64 enrollments of ~60 KB). */
export const MAX_BATCH_RECORDS = 64;
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/**
 * Record requests one process takes at once; one more is answered 503 BUSY with Retry-After before its body is read. A
 * queue inside the upstream would only make every booth wait longer: a booth told to come back keeps its records safe in
 * its vault and retries with backoff, while the requests being served keep a short latency. At a fleet's steady 1,000
 * enrollments a second a process holds two or three at once. Taking more than 16 only shares its CPU among more requests:
 * each finishes later, and V8 then collects the longer-lived ones from its old generation. In the sync bench's
 * back-to-back phase the p99 was 4 to 5 s with 64 and 1.2 to 2.1 s with 16, for as many enrollments taken (590 to 850 a
 * second with 64, 580 to 1,050 with 16, over five runs each on a machine whose speed varies).
 */
export const MAX_RECORD_REQUESTS_IN_FLIGHT = 16;

export interface UpstreamServerOptions {
  db: UpstreamDatabase;
  keys: UpstreamKeys;
  /** 'open': an unknown booth may register its own key (demos and tests only); 'closed': only the operator adds booths. */
  registration: 'open' | 'closed';
  /** How often booths are expected to send a heartbeat; three times this without one marks a booth late. Default 60 s. */
  heartbeatExpectedS?: number;
  /** Fastify's request log (pino) or none. */
  logger?: boolean;
  /** Record requests taken at once before 503 BUSY (default MAX_RECORD_REQUESTS_IN_FLIGHT). */
  maxRecordRequestsInFlight?: number;
  /** Officer accounts (default: made here); tests pass one with a low scrypt cost. */
  officers?: Officers;
  /** Tests only: officers' passwords hashed at this scrypt cost. */
  passwordCost?: typeof SCRYPT_DEFAULT;
  /** Where activation codes are e-mailed from (default: no SMTP server, every sending recorded as failed). */
  mail?: MailSettings;
}

const sendError = (reply: FastifyReply, status: number, code: UpstreamErrorCode, message: string) =>
  reply
    .code(status)
    .type('application/json')
    .send({ error: { code, message, serverTime: new Date().toISOString() } });

/** Whether the request's media type (without parameters such as charset) is `type`. */
const isType = (request: FastifyRequest, type: string) =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === type;

export async function createUpstreamServer(options: UpstreamServerOptions): Promise<FastifyInstance> {
  const { db, keys } = options;
  const registry = new BoothRegistry(db);
  const activations = new Activations(db, keys, options.mail ?? { url: null, from: DEFAULT_MAIL_FROM });
  /** Enrollments stored by a request: those an officer approved already get their activation code now. */
  const stored = (results: ReadonlyArray<{ id: string | null; status: number }>) => {
    const ids = results.filter((result) => result.status === 201 && result.id).map((result) => result.id!);
    void activations.afterIntake(ids).catch((error: Error) => app.log.error(error));
  };
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: MAX_BODY_BYTES, forceCloseConnections: true });
  // Raw bytes for every body: the signature covers their digest, so they are checked before anything parses them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', CBOR_TYPE], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // How long the upstream itself took (RFC: W3C Server Timing), so a booth or a bench can tell its wait from the network's.
  const receivedAt = new WeakMap<object, number>();
  const phases = new WeakMap<object, Array<[string, number]>>();
  app.addHook('onRequest', async (request) => void receivedAt.set(request.raw, performance.now()));
  app.addHook('onSend', async (request, reply) => {
    const started = receivedAt.get(request.raw);
    if (started === undefined) return;
    const parts = [['app', performance.now() - started] as [string, number], ...(phases.get(request.raw) ?? [])];
    reply.header('server-timing', parts.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', '));
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, 413, 'TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    if (status === 415) return sendError(reply, 415, 'BAD_REQUEST', `send ${CBOR_TYPE} or application/json`);
    if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_REQUEST', error.message);
    app.log.error(error);
    return sendError(reply, 500, 'INTERNAL', 'the upstream failed on this request; it was not taken, send it again');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'BAD_REQUEST', `no route ${request.method} ${request.url}`));

  /** The booth that signed the request, or the reply already sent. */
  const signedBy = async (request: FastifyRequest, reply: FastifyReply, presented?: RegisteredBooth) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const auth = await verifyBoothRequest(
      { method: request.method, url: request.url, headers: request.headers, body },
      registry,
      presented,
    );
    if (!auth.ok) {
      await sendError(reply, auth.status, auth.code, auth.message);
      return null;
    }
    return { booth: auth.booth, body };
  };

  app.get('/v1/health', async (): Promise<HealthAnswer> => ({
    status: 'ok',
    serverTime: new Date().toISOString(),
    sealingKey: { id: keys.sealingKeyId, publicKey: keys.sealingPublicKey },
    signingKey: { publicKey: keys.signingPublicKey },
  }));

  app.post('/v1/booths/register', async (request, reply) => {
    if (!isType(request, 'application/json')) return sendError(reply, 415, 'BAD_REQUEST', 'send the registration as application/json');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const parsed = parseJson(registerBodySchema, body);
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    const { boothId, publicKey } = parsed.value;
    // The request must be signed with the key it presents: whoever registers a booth id holds its private key.
    const presented: RegisteredBooth = {
      boothId,
      publicKey: ed25519FromText(publicKey),
      publicKeyText: publicKey,
      status: 'active',
      revokedReason: null,
    };
    const signed = await signedBy(request, reply, presented);
    if (!signed) return reply;
    const existing = await registry.find(boothId);
    if (existing?.status === 'revoked')
      return sendError(reply, 403, 'BOOTH_REVOKED', `booth ${boothId} was revoked: ${existing.revokedReason ?? 'no reason given'}`);
    if (existing && existing.publicKeyText !== publicKey)
      return sendError(
        reply,
        409,
        'BOOTH_KEY_MISMATCH',
        `booth ${boothId} is registered with another key; an operator revokes it and registers the new one`,
      );
    if (!existing && options.registration === 'closed')
      return sendError(
        reply,
        403,
        'REGISTRATION_CLOSED',
        `booth ${boothId} is not registered and this upstream does not let booths register themselves: an operator runs "npm run upstream -- booth add ${boothId} ${publicKey}"`,
      );
    const outcome = await registry.register(boothId, publicKey, 'open-registration');
    if (!outcome.ok) return sendError(reply, outcome.code === 'BOOTH_REVOKED' ? 403 : 409, outcome.code, outcome.message);
    return reply.code(outcome.created ? 201 : 200).send({ ok: true, boothId, created: outcome.created });
  });

  // Load shedding for the record routes (see MAX_RECORD_REQUESTS_IN_FLIGHT).
  let recordRequestsInFlight = 0;
  const maxInFlight = options.maxRecordRequestsInFlight ?? MAX_RECORD_REQUESTS_IN_FLIGHT;
  const shedding = {
    onRequest: async (_request: FastifyRequest, reply: FastifyReply) => {
      if (recordRequestsInFlight >= maxInFlight) {
        // The body is not read: Node discards it and the connection stays usable.
        reply.header('retry-after', '2');
        return sendError(reply, 503, 'BUSY', 'the upstream is taking as many records as it can: send them again after Retry-After');
      }
      recordRequestsInFlight++;
      reply.raw.once('close', () => recordRequestsInFlight--);
    },
  };

  app.post('/v1/records', shedding, async (request, reply) => {
    const bodyRead = performance.now();
    // The signature first (it covers the Content-Type): a changed request is told it was changed.
    const signed = await signedBy(request, reply);
    if (!signed) return reply;
    if (!isType(request, CBOR_TYPE)) return sendError(reply, 415, 'BAD_REQUEST', `send the batch as ${CBOR_TYPE}`);
    let batch: unknown;
    try {
      batch = cbor.decode(signed.body);
    } catch {
      return sendError(reply, 400, 'BAD_REQUEST', 'the batch is not CBOR');
    }
    const records = (batch as { records?: unknown } | null)?.records;
    if (!Array.isArray(records) || records.length === 0 || !records.every((item) => item instanceof Uint8Array))
      return sendError(reply, 400, 'BAD_REQUEST', 'the batch is a CBOR map { records: [bstr, ...] } with at least one record');
    if (records.length > MAX_BATCH_RECORDS)
      return sendError(reply, 413, 'TOO_LARGE', `a batch holds at most ${MAX_BATCH_RECORDS} records, not ${records.length}`);
    const checked = performance.now();
    const results = await takeRecords({ db, keys, registry }, records as Uint8Array[], signed.booth.boothId, 'sync');
    stored(results);
    phases.set(request.raw, [
      ['body', bodyRead - (receivedAt.get(request.raw) ?? bodyRead)],
      ['verify', checked - bodyRead],
      ['intake', performance.now() - checked],
    ]);
    const answer: BatchAnswer = { results, serverTime: new Date().toISOString() };
    return reply
      .code(200)
      .type(CBOR_TYPE)
      .send(Buffer.from(cbor.encode(answer)));
  });

  app.put<{ Params: { id: string } }>(
    '/v1/records/:id',
    {
      ...shedding,
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } }, required: ['id'] },
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } }, required: ['idempotency-key'] },
      },
    },
    async (request, reply) => {
      const signed = await signedBy(request, reply);
      if (!signed) return reply;
      if (request.headers['idempotency-key'] !== request.params.id)
        return sendError(reply, 400, 'BAD_REQUEST', 'the Idempotency-Key header must be the record id in the path');
      if (!isType(request, CBOR_TYPE)) return sendError(reply, 415, 'BAD_REQUEST', `send the record as ${CBOR_TYPE}`);
      // The body must be the record the path names, checked before anything is taken.
      if (claimedHeader(signed.body).id !== request.params.id)
        return sendError(reply, 400, 'BAD_REQUEST', `the body is not record ${request.params.id}`);
      const [result] = await takeRecords({ db, keys, registry }, [signed.body], signed.booth.boothId, 'sync');
      if (!result) return sendError(reply, 500, 'INTERNAL', 'no outcome');
      stored([result]);
      if ('ack' in result) return reply.code(result.status).type(CBOR_TYPE).send(Buffer.from(result.ack));
      return sendError(reply, result.status, result.code, result.message);
    },
  );

  app.post('/v1/heartbeats', async (request, reply) => {
    const signed = await signedBy(request, reply);
    if (!signed) return reply;
    if (!isType(request, 'application/json')) return sendError(reply, 415, 'BAD_REQUEST', 'send the heartbeat as application/json');
    const parsed = parseJson(heartbeatBodySchema, signed.body);
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    if (parsed.value.boothId !== signed.booth.boothId)
      return sendError(reply, 403, 'WRONG_BOOTH', `a heartbeat for ${parsed.value.boothId} signed by ${signed.booth.boothId}`);
    await db.transaction(async (tx) => {
      await tx.query('UPDATE booths SET last_heartbeat_at = now(), heartbeat = $2::jsonb WHERE booth_id = $1', [
        signed.booth.boothId,
        JSON.stringify(parsed.value),
      ]);
      await tx.query('INSERT INTO heartbeats (booth_id, queue_depth) VALUES ($1, $2)', [signed.booth.boothId, parsed.value.queue.depth]);
      await tx.query("DELETE FROM heartbeats WHERE booth_id = $1 AND received_at < now() - interval '1 day'", [signed.booth.boothId]);
    });
    return { ok: true, serverTime: new Date().toISOString() };
  });

  registerConsolePage(app);
  registerConsoleRoutes(app, {
    db,
    keys,
    officers: options.officers ?? new Officers(db, keys, { passwordCost: options.passwordCost }),
    decisions: new Decisions(db, keys, (enrollmentId) => activations.afterDecision(enrollmentId)),
    activations,
    signedBy,
  });

  // The IKD app redeems an activation code (unsigned: the app holds no booth key; wrong codes are throttled).
  app.post('/v1/activations/redeem', async (request, reply) => {
    if (!isType(request, 'application/json')) return sendError(reply, 415, 'BAD_REQUEST', 'send the code as application/json');
    const parsed = parseJson(redeemBodySchema, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    const outcome = await activations.redeem(parsed.value, request.ip);
    if (outcome.ok) return reply.code(200).send({ activated: true, enrollmentId: outcome.enrollmentId });
    if (outcome.code === 'LOCKED') reply.header('retry-after', String(outcome.retryAfterS));
    return sendError(reply, outcome.status, outcome.code, outcome.message);
  });
  app.addHook('onClose', async () => activations.close());

  const heartbeatExpectedS = options.heartbeatExpectedS ?? 60;
  app.get('/v1/fleet', async () => fleetStatus(db, { heartbeatExpectedS }));
  app.get('/fleet', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderFleetPage(await fleetStatus(db, { heartbeatExpectedS }), { demo: keys.demo })),
  );
  app.get('/', async (_request, reply) => reply.redirect('/fleet'));
  return app;
}
