// The sign-off step: once the enrollment is stored, the booth shows a
// signed evidence token as a QR and waits for an officer's decision. It
// hears it either way the officer's phone can reach it:
// - online: a signed long-poll to the upstream (the sync's transport),
//   answered the moment an officer decides;
// - offline: the officer's approval QR, read by the booth's camera on the
//   screen and checked here against the upstream's key.
// Either way the decision is stored as a sealed `signoff` record about the
// enrollment (synced later), then the journey ends: done for an approval,
// the service desk for a rejection.
import type { KeyObject } from 'node:crypto';
import { fail, ok } from '../../shared/contract/result';
import type { AnswerOf } from '../../shared/contract/contract';
import type { SignoffToken } from '../../shared/contract/schemas';
import { rejectionReasons, verifyApproval, type OfficerDecision } from '../../shared/signoff/approval';
import { SIGNOFF_FORMAT, type SignoffContent } from '../../shared/upstream/enrollment';
import type { CameraSettings } from '../../shared/face/settings';
import type { Logger } from '../logging';
import type { CitizenSession, SessionResult } from '../session';
import type { SignoffPoll } from '../sync';
import type { SavedEnrollment, Vault } from '../vault';
import { boothKid, issueSignoffToken, type IssuedToken } from './boothToken';
import { qrSymbol } from './qr';

/** A token is renewed when it has less than this left (the screen asks again as its countdown ends). */
export const RENEW_BEFORE_MS = 30_000;
/** How long one ask of the upstream waits for a decision. */
const POLL_WAIT_S = 25;
/** After an unreachable upstream, the next ask waits this long (then doubles, up to the cap). */
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 15_000;

export interface SignoffStepOptions {
  session: CitizenSession;
  logger: Logger;
  vault: Promise<Vault>;
  /** The enrollment this session saved (the enrollment step). */
  saved(): SavedEnrollment | null;
  tokenTtlSec: number;
  /** The camera that reads approval QRs (the face step's settings); null: none. */
  camera: CameraSettings | null;
  /** The upstream's Ed25519 public key (raw 32 bytes): it certifies officers' phone keys. */
  upstreamKey: Uint8Array;
  /** Asks the upstream for the decision (the sync engine); null: this booth does not sync, only the approval QR reaches it. */
  decisions: Promise<{ signoffDecision(enrollmentId: string, waitS: number): Promise<SignoffPoll> } | null>;
  now?: () => number;
}

export interface SignoffStep {
  handlers: {
    'signoff.request': () => Promise<AnswerOf<'signoff.request'>>;
    'signoff.scanApproval': (params: { text: string }) => Promise<AnswerOf<'signoff.scanApproval'>>;
  };
  /** Stops listening for decisions (the booth is stopping). */
  dispose(): void;
}

interface Visit {
  sessionId: string;
  enrollment: SavedEnrollment;
  tokens: IssuedToken[];
  /** Set once a decision is being stored: the first one wins, whichever way it came. */
  concluded: boolean;
  listening: boolean;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export function createSignoffStep(options: SignoffStepOptions): SignoffStep {
  const { session, logger } = options;
  const now = options.now ?? Date.now;
  let visit: Visit | null = null;
  let stopped = false;
  /** Token nonces decided on, for this process's life: a used approval QR shown again is REPLAYED. */
  const decidedNonces = new Set<string>();
  let signing: { key: KeyObject; kid: Uint8Array } | null = null;
  void options.vault.then((vault) => {
    if (vault.requestSigningKey && vault.boothPublicKey) signing = { key: vault.requestSigningKey, kid: boothKid(vault.boothPublicKey) };
  });

  const current = (): Visit | null => {
    const sessionId = session.snapshot()?.sessionId;
    if (!sessionId || session.journey()?.step !== 'signoff') return null;
    if (visit?.sessionId === sessionId) return visit;
    const enrollment = options.saved();
    if (!enrollment) return null;
    visit = { sessionId, enrollment, tokens: [], concluded: false, listening: false };
    return visit;
  };

  /** Stores the decision as a sealed record, then ends the journey (if this visit is still on the screen). */
  async function conclude(
    from: Visit,
    decision: OfficerDecision & { officerId: string; decidedAt: string; via: SignoffContent['via']; proof: string },
  ): Promise<SessionResult> {
    from.concluded = true;
    for (const token of from.tokens) decidedNonces.add(hex(token.claims.nonce));
    const vault = await options.vault;
    const reason = decision.decision === 'reject' ? decision.reason : null;
    const stored = await vault.commit({
      kind: 'signoff',
      about: from.enrollment.enrollmentId,
      nik: null,
      content: (id) =>
        ({
          format: SIGNOFF_FORMAT,
          id,
          enrollmentId: from.enrollment.enrollmentId,
          decision: decision.decision,
          reason,
          officerId: decision.officerId,
          decidedAt: decision.decidedAt,
          via: decision.via,
          proof: decision.proof,
          at: new Date(now()).toISOString(),
        }) satisfies SignoffContent,
    });
    const logged = {
      enrollmentId: from.enrollment.enrollmentId,
      decision: decision.decision,
      reason,
      officerId: decision.officerId,
      via: decision.via,
    };
    if (stored.ok) logger.info({ event: 'signoff.decided', record: stored.id, ...logged }, 'the officer decided; the decision is stored');
    // The decision stands upstream whatever happens here; a booth that cannot store its copy says so and goes on.
    else logger.error({ event: 'signoff.not_saved', ...logged, failure: stored.reason }, stored.message);
    if (session.snapshot()?.sessionId !== from.sessionId || session.journey()?.step !== 'signoff') return session.requireStep('signoff')!;
    return decision.decision === 'approve'
      ? session.advance({ type: 'signedOff' })
      : session.refer('signoff-rejected', (reason ?? 'other').toUpperCase().replaceAll('-', '_'));
  }

  /** Asks the upstream until a decision comes, the visit ends, or the booth stops. */
  async function listen(from: Visit): Promise<void> {
    const source = await options.decisions;
    if (!source || from.listening) return;
    from.listening = true;
    let failures = 0;
    let lastProblem = '';
    while (!stopped && !from.concluded && current() === from) {
      const poll = await source.signoffDecision(from.enrollment.enrollmentId, POLL_WAIT_S);
      if (stopped || from.concluded || current() !== from) break;
      if (poll.kind === 'decided') {
        const reason = rejectionReasons.find((known) => known === poll.reason) ?? 'other';
        const decision: OfficerDecision = poll.decision === 'approve' ? { decision: 'approve' } : { decision: 'reject', reason };
        await conclude(from, { ...decision, officerId: poll.officerId, decidedAt: poll.decidedAt, via: 'upstream', proof: poll.signature });
        break;
      }
      if (poll.kind === 'pending') {
        failures = 0;
        continue;
      }
      failures++;
      if (poll.message !== lastProblem)
        logger.warn(
          { event: 'signoff.upstream_' + poll.kind, message: poll.message },
          'no decision from the upstream; the approval QR still works',
        );
      lastProblem = poll.message;
      const wait = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(failures, 10));
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
    from.listening = false;
  }

  const unavailable = (reason: 'NO_BOOTH_KEY' | 'NO_ENROLLMENT') => {
    const message =
      reason === 'NO_BOOTH_KEY'
        ? 'This booth cannot sign a sign-off code (its vault keys did not load).'
        : 'This session has no stored enrollment to sign off.';
    logger.error({ event: 'signoff.unavailable', reason }, message);
    session.refer('signoff-unavailable', reason);
    return fail('STEP_UNAVAILABLE', message, { reason });
  };

  /** The visit at the sign-off and the booth's key, or the refusal to answer (elsewhere in the journey, or unable to sign). */
  async function atSignoff() {
    const guard = session.requireStep('signoff');
    if (guard) return { ok: false as const, refusal: guard };
    await options.vault;
    const from = current();
    if (!signing) return { ok: false as const, refusal: unavailable('NO_BOOTH_KEY') };
    if (!from) return { ok: false as const, refusal: unavailable('NO_ENROLLMENT') };
    return { ok: true as const, from, signing: signing as { key: KeyObject; kid: Uint8Array } };
  }

  return {
    handlers: {
      async 'signoff.request'() {
        const ready = await atSignoff();
        if (!ready.ok) return ready.refusal;
        const { from, signing } = ready;
        const latest = from.tokens.at(-1);
        let token = latest;
        if (!latest || latest.claims.expiresAt * 1000 - now() < RENEW_BEFORE_MS) {
          token = issueSignoffToken(
            from.enrollment,
            { signingKey: signing.key, kid: signing.kid },
            { nowMs: now(), ttlSec: options.tokenTtlSec },
          );
          from.tokens.push(token);
          logger.info(
            {
              event: 'signoff.token',
              enrollmentId: from.enrollment.enrollmentId,
              bytes: token.bytes.length,
              renewal: from.tokens.length > 1,
            },
            'sign-off code shown',
          );
        }
        void listen(from);
        const shown: SignoffToken = {
          text: token!.text,
          qr: qrSymbol(token!.text),
          issuedAt: token!.claims.issuedAt * 1000,
          expiresAt: token!.claims.expiresAt * 1000,
          nikLast4: token!.claims.nikLast4,
          online: (await options.decisions) !== null,
          camera: options.camera,
        };
        return ok(shown);
      },

      async 'signoff.scanApproval'({ text }) {
        const ready = await atSignoff();
        if (!ready.ok) return ready.refusal;
        const { from } = ready;
        const verdict = verifyApproval(text, {
          upstreamKey: options.upstreamKey,
          now: now(),
          expect: { enrollmentId: from.enrollment.enrollmentId, tokenNonces: from.tokens.map((token) => hex(token.claims.nonce)) },
          used: (nonce) => decidedNonces.has(nonce),
        });
        if (!verdict.ok) {
          logger.warn({ event: 'signoff.approval_refused', reason: verdict.reason, detail: verdict.detail }, 'an approval QR was refused');
          return fail('APPROVAL_REFUSED', verdict.detail, { reason: verdict.reason });
        }
        if (from.concluded) return session.requireStep('signoff') ?? fail('WRONG_STEP', 'The decision is already being stored.');
        return conclude(from, {
          ...verdict.claims.decision,
          officerId: verdict.officerId,
          decidedAt: new Date(verdict.claims.issuedAt * 1000).toISOString(),
          via: 'approval-qr',
          proof: text,
        });
      },
    },
    dispose() {
      stopped = true;
      visit = null;
    },
  };
}
