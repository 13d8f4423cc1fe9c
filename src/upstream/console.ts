// The officer console's API (under /console/api) and the booths' question
// "has an officer decided?" (GET /v1/signoff/{id}). The console page itself
// is static (src/console, built to out/console) and verifies each token in
// the phone; every route here checks again what the page decided.
//
// Protection: the session cookie is HttpOnly, SameSite=Strict and scoped to
// /console; every change (POST, except the login that makes the session)
// must carry the session's CSRF token in `x-csrf-token`, and a request whose
// Origin is another site is refused outright.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decisionSchema, loginSchema, tokenCheckSchema, type ConsoleErrorCode } from '../shared/officer/console';
import { MAX_SIGNOFF_WAIT_S } from '../shared/upstream/signoff';
import { cbor } from '../core/vault';
import type { UpstreamDatabase } from './db/database';
import { Decisions, type StoredDecision } from './decisions';
import type { Activations } from './activation';
import type { UpstreamKeys } from './keys';
import { parseJson } from './parseJson';
import { audit, Officers, SESSION_HOURS, type OfficerSession } from './officers';

export const SESSION_COOKIE = 'ikd_officer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ConsoleRouteOptions {
  db: UpstreamDatabase;
  keys: UpstreamKeys;
  officers: Officers;
  decisions: Decisions;
  activations: Activations;
  /** The booth request check (the server's signedBy): the booth, or null when it already answered. */
  signedBy(request: FastifyRequest, reply: FastifyReply): Promise<{ booth: { boothId: string } } | null>;
}

const sendError = (reply: FastifyReply, status: number, code: ConsoleErrorCode, message: string, extra: object = {}) =>
  reply
    .code(status)
    .type('application/json')
    .send({ error: { code, message, ...extra } });

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const parseBody = <T>(schema: z.ZodType<T>, request: FastifyRequest) =>
  parseJson(schema, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

const decisionJson = (decision: StoredDecision | null) => decision && { ...decision, decidedAt: decision.decidedAt.toISOString() };

export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): void {
  const { db, officers, decisions } = options;

  /** A request from another site (its Origin is not this host) is refused before anything else. */
  const sameOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  };

  /** The officer's live session, or the reply (401, or 403 for a change without the CSRF token) already sent. */
  const officerOf = async (request: FastifyRequest, reply: FastifyReply, change: boolean): Promise<OfficerSession | null> => {
    if (!sameOrigin(request)) {
      await sendError(reply, 403, 'BAD_CSRF', 'a request from another site');
      return null;
    }
    const session = await officers.session(cookie(request, SESSION_COOKIE));
    if (!session) {
      await sendError(reply, 401, 'NOT_LOGGED_IN', 'log in first (the session ended or never began)');
      return null;
    }
    if (change && request.headers['x-csrf-token'] !== session.csrfToken) {
      await sendError(reply, 403, 'BAD_CSRF', 'this change lacks the session’s CSRF token');
      return null;
    }
    return session;
  };

  const sessionJson = (session: OfficerSession) => ({
    officer: session.officer,
    csrfToken: session.csrfToken,
    certificate: session.certificate.toString('base64url'),
    officerKey: session.officerKey,
    expiresAt: session.expiresAt.toISOString(),
  });

  app.post('/console/api/login', async (request, reply) => {
    if (!sameOrigin(request)) return sendError(reply, 403, 'BAD_CSRF', 'a request from another site');
    const parsed = parseBody(loginSchema, request);
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    const outcome = await officers.login({
      officerId: parsed.value.officerId,
      password: parsed.value.password,
      officerKey: new Uint8Array(Buffer.from(parsed.value.officerKey, 'base64url')),
      address: request.ip,
    });
    if (!outcome.ok) {
      if (outcome.code === 'LOCKED') {
        reply.header('retry-after', String(outcome.retryAfterS));
        return sendError(reply, 429, 'LOCKED', outcome.message, { retryAfterS: outcome.retryAfterS });
      }
      return sendError(reply, 401, 'BAD_LOGIN', outcome.message);
    }
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${outcome.token}; HttpOnly; SameSite=Strict; Path=/console; Max-Age=${SESSION_HOURS * 3600}${secure}`,
    );
    return reply.code(200).send(sessionJson(outcome.session));
  });

  app.post('/console/api/logout', async (request, reply) => {
    const session = await officerOf(request, reply, true);
    if (!session) return reply;
    await officers.logout(cookie(request, SESSION_COOKIE)!);
    reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/console; Max-Age=0`);
    return { ok: true };
  });

  app.get('/console/api/session', async (request, reply) => {
    const session = await officerOf(request, reply, false);
    return session ? sessionJson(session) : reply;
  });

  app.get('/console/api/booth-keys', async (request, reply) => {
    const session = await officerOf(request, reply, false);
    if (!session) return reply;
    return { keys: await decisions.boothKeys(true), serverTime: new Date().toISOString() };
  });

  // What the page cannot know by itself: whether this code was decided on, and whether the enrollment has arrived.
  app.post('/console/api/tokens/check', async (request, reply) => {
    const session = await officerOf(request, reply, true);
    if (!session) return reply;
    const parsed = parseBody(tokenCheckSchema, request);
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    const verdict = await decisions.verify(parsed.value.token);
    await audit(db, session.officer.officerId, 'token.checked', verdict.ok ? verdict.claims.enrollmentId : null, {
      ok: verdict.ok,
      reason: verdict.ok ? null : verdict.reason,
    });
    if (!verdict.ok) return { verdict: { ok: false, reason: verdict.reason, detail: verdict.detail } };
    const { claims } = verdict;
    const [record] = await db.query<{ received_at: Date }>("SELECT received_at FROM records WHERE record_id = $1 AND kind = 'enrollment'", [
      claims.enrollmentId,
    ]);
    const cancelled = await db.query("SELECT 1 FROM records WHERE about = $1 AND kind = 'cancellation'", [claims.enrollmentId]);
    return {
      verdict: { ok: true, boothId: verdict.boothId, kid: verdict.kid },
      nonceUsed: await decisions.nonceUsed(verdict.kid, Buffer.from(claims.nonce).toString('hex')),
      decision: decisionJson(await decisions.find(claims.enrollmentId)),
      enrollment: { synced: !!record, receivedAt: record?.received_at.toISOString() ?? null, cancelled: cancelled.length > 0 },
    };
  });

  // The chip photo and the best live picture, once the enrollment has synced (the page shows them side by side).
  app.get<{ Params: { id: string; which: string } }>('/console/api/enrollments/:id/photos/:which', async (request, reply) => {
    const session = await officerOf(request, reply, false);
    if (!session) return reply;
    const { id, which } = request.params;
    if (!UUID.test(id) || (which !== 'chip' && which !== 'live')) return sendError(reply, 404, 'NOT_FOUND', 'no such photo');
    const [record] = await db.query<{ content: Buffer }>("SELECT content FROM records WHERE record_id = $1 AND kind = 'enrollment'", [id]);
    if (!record) return sendError(reply, 404, 'NOT_FOUND', 'this enrollment has not reached the upstream yet');
    const content = cbor.decode(record.content) as {
      chip: { photo: { format: string; bytes: Uint8Array } };
      face: { crops: Array<{ jpeg: Uint8Array }> };
    };
    await audit(db, session.officer.officerId, 'photo.viewed', id, { which });
    const photo =
      which === 'chip'
        ? { type: `image/${content.chip.photo.format}`, bytes: content.chip.photo.bytes }
        : { type: 'image/jpeg', bytes: content.face.crops[0]!.jpeg };
    return reply.header('cache-control', 'no-store').type(photo.type).send(Buffer.from(photo.bytes));
  });

  app.post('/console/api/decisions', async (request, reply) => {
    const session = await officerOf(request, reply, true);
    if (!session) return reply;
    const parsed = parseBody(decisionSchema, request);
    if (!parsed.ok) return sendError(reply, 400, 'BAD_REQUEST', parsed.message);
    const outcome = await decisions.decide(session, parsed.value);
    if (outcome.ok) return reply.code(201).send({ decision: decisionJson(outcome.decision) });
    if (outcome.code === 'ALREADY_DECIDED')
      return sendError(reply, 409, 'ALREADY_DECIDED', outcome.message, { decision: decisionJson(outcome.decision) });
    return sendError(reply, 422, 'TOKEN_REFUSED', outcome.message, { reason: outcome.code });
  });

  // An officer sends the citizen a new activation code (the first was lost, or expired).
  app.post<{ Params: { id: string } }>('/console/api/activations/:id/resend', async (request, reply) => {
    const session = await officerOf(request, reply, true);
    if (!session) return reply;
    if (!UUID.test(request.params.id)) return sendError(reply, 404, 'NOT_FOUND', 'no such enrollment');
    const outcome = await options.activations.resend(request.params.id, session.officer.officerId);
    if (outcome.ok) return { sentTo: outcome.sentTo };
    if (outcome.code === 'NOT_FOUND') return sendError(reply, 404, 'NOT_FOUND', outcome.message);
    return sendError(reply, 409, 'RESEND_REFUSED', outcome.message, { reason: outcome.code });
  });

  // The booth asks (signed, like all its requests) and may wait up to MAX_SIGNOFF_WAIT_S for the decision.
  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>('/v1/signoff/:id', async (request, reply) => {
    const signed = await options.signedBy(request, reply);
    if (!signed) return reply;
    const { id } = request.params;
    if (!UUID.test(id)) return sendError(reply, 400, 'BAD_REQUEST', 'the path names an enrollment id (a UUID)');
    const wait = Math.min(MAX_SIGNOFF_WAIT_S, Math.max(0, Number(request.query.wait ?? 0) || 0));
    const stop = new AbortController();
    reply.raw.once('close', () => stop.abort());
    const decision = await decisions.waitFor(id, wait * 1000, stop.signal);
    if (decision && decision.boothId !== signed.booth.boothId)
      return sendError(reply, 403, 'WRONG_BOOTH', `enrollment ${id} was signed off at another booth`);
    return decisions.answer(decision, id);
  });
}
