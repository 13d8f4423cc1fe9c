// The composition root: the one place that turns configuration into a
// running booth. It picks drivers (the card reader, the camera settings and
// verified face models; sign-off answers STEP_UNAVAILABLE until it is
// built), wires them to the session, and exposes the contract's handlers and
// events.
import type { BoothHandlers } from '../../shared/contract/dispatch';
import type { Capabilities } from '../../shared/contract/schemas';
import { fail, ok } from '../../shared/contract/result';
import type { JourneyStep } from '../../shared/journey/machine';
import type { BoothConfig } from '../config/schema';
import type { Logger } from '../logging/logger';
import { createCardReader, type CardReader } from '../card/reader';
import { isCardError } from '../card/errors';
import { cardReadDeadlineMs, readWithDeadline, type DeadlineRead } from '../card/deadline';
import { createFaceStep } from '../face/faceStep';
import type { VerifiedModels } from '../face/models';
import { CitizenSession, type SessionClock } from '../session/session';
import { BoothEvents } from './events';

/** Version of the consent text the screens show; stored with each acceptance. */
export const CONSENT_VERSION = '2026-11-id-en-1';

export interface BoothOptions {
  config: BoothConfig;
  logger: Logger;
  version: string;
  clock?: SessionClock;
  /** The face models as checked at start-up (the composition root reads them). */
  faceModels: VerifiedModels;
}

export interface Booth {
  handlers: BoothHandlers;
  events: BoothEvents;
  /** The live session, for tests and the technician view (never the renderer). */
  session: CitizenSession;
  /** The e-KTP reader chosen by configuration (null: none). */
  cardReader: CardReader | null;
  /** Verified model bytes by file name, for the renderer's origin to serve (empty when the check failed). */
  faceModelFiles: ReadonlyMap<string, Buffer>;
  dispose(): Promise<void>;
}

export function createBooth({ config, logger, version, clock, faceModels }: BoothOptions): Booth {
  const events = new BoothEvents();
  const { idleTimeoutSec, idleWarningSec, expiryGraceSec } = config.session;
  const session = new CitizenSession({
    expirySec: idleTimeoutSec + idleWarningSec + expiryGraceSec,
    clock,
    onChange: (snapshot) => events.emit('session.changed', snapshot),
    faceAttempts: config.face.liveness.attempts,
    presenceCapSec: config.face.presenceCapSec,
    onWiped: (reason) => {
      logger.info({ event: 'session.wiped', reason }, 'session wiped');
      events.emit('session.wiped', { reason });
    },
  });
  const cardReader = createCardReader(config.devices.card, { onNotice: (event, message) => logger.warn({ event }, message) });
  const face = createFaceStep({ settings: config.face, camera: config.devices.camera, models: faceModels, session, logger });
  if (!faceModels.ok) for (const problem of faceModels.problems) logger.error({ event: 'face.model_refused', file: problem.file, problem: problem.problem }, problem.message);
  const capabilities: Capabilities = { card: cardReader !== null, face: face.available, signoff: false };
  /** The read under way, until it has really ended on the reader (not only until the citizen got an answer). */
  let cardRead: DeadlineRead | null = null;
  let stopCardRead: (() => void) | null = null;
  /** After the SAM refuses PCID/CONF, no read may try again: each try counts towards blocking it. */
  let samRefusal: { message: string; detail?: string } | null = null;

  async function readCard() {
    const guard = session.requireStep('card');
    if (guard) return guard;
    const before = session.snapshot()!;
    if (before.chip) return ok(before); // already read: removing the card afterwards loses nothing
    if (!cardReader) return fail('STEP_UNAVAILABLE', 'This booth has no e-KTP reader configured.');
    if (before.cardAttemptsLeft === 0) return fail('CARD_FAILED', 'No card attempts are left in this session.', { reason: 'NIK_MISMATCH_FINAL' });
    // A read cut short (deadline, back) may still hold the reader: a PC/SC exchange with a silent card ends only when the card answers or is lifted.
    if (cardRead) return fail('BUSY', 'The card is still being read; lift the card and put it back, or wait a moment.', { reason: 'STILL_READING' });
    if (samRefusal) return fail('CARD_FAILED', samRefusal.message, { reason: 'SAM_LOCKED' });
    const started = Date.now();
    // Back, cancel, a wipe or shutdown stop the read on the reader, not only the wait for it.
    const stop = new AbortController();
    const unsubscribe = events.subscribe((event, payload) => {
      const snapshot = event === 'session.changed' ? (payload as ReturnType<typeof session.snapshot>) : undefined;
      if (event === 'session.wiped' || (event === 'session.changed' && (snapshot?.sessionId !== before.sessionId || snapshot.step !== 'card'))) stop.abort();
    });
    const run = readWithDeadline(
      (signal) =>
        cardReader.read((stage, fraction) => {
          if (!signal.aborted) events.emit('card.progress', { stage, fraction: Math.min(1, Math.max(0, fraction)) });
        }, signal),
      { deadlineMs: cardReadDeadlineMs(config.devices.card), signal: stop.signal },
    );
    cardRead = run;
    stopCardRead = () => stop.abort();
    // The reader stays busy until the read has really ended: a second read never runs beside it.
    const release = () => {
      unsubscribe();
      if (cardRead === run) {
        cardRead = null;
        stopCardRead = null;
      }
    };
    try {
      const readout = await run.outcome;
      // The session is still this one, at the card step: a wipe, a new session or any step change aborts the
      // read first (stop, above), the citizen gets CANCELLED's WRONG_STEP or NO_SESSION below, and a readout
      // that still arrives is zeroed in readWithDeadline. A NIK mismatch is zeroed by the session itself.
      const result = session.acceptCardReadout(readout);
      logger.info({ event: 'card.read', driver: cardReader.driver, ms: Date.now() - started, matched: result.ok, reason: result.ok ? undefined : result.error.reason }, 'card read');
      return result;
    } catch (error) {
      if (!isCardError(error)) throw error;
      logger.warn({ event: 'card.failed', driver: cardReader.driver, code: error.code, detail: error.detail, ms: Date.now() - started }, 'card read failed');
      if (error.code === 'CANCELLED') return session.requireStep('card') ?? fail('CARD_FAILED', error.message, { reason: error.code });
      if (error.code === 'SAM_LOCKED') {
        samRefusal = { message: `${error.message} Reads are stopped until the booth is provisioned again.`, detail: error.detail };
        logger.error({ event: 'card.sam_refused', detail: error.detail }, 'SAM refused PCID/CONF: card reading stopped to protect the SAM');
      }
      return fail('CARD_FAILED', error.message, { reason: error.code });
    } finally {
      if (run.hasEnded) release();
      else void run.ended.then(release);
    }
  }

  const unavailable = (step: JourneyStep, capability: keyof Capabilities) => () => {
    const guard = session.requireStep(step);
    if (guard) return guard;
    return fail('STEP_UNAVAILABLE', `This booth cannot do the ${capability} step yet.`);
  };

  const handlers: BoothHandlers = {
    'booth.info': () =>
      ok({
        boothId: config.booth.id,
        version,
        idleTimeoutSec,
        idleWarningSec,
        consentVersion: CONSENT_VERSION,
        capabilities,
        faceWarmUpFrames: capabilities.face ? config.face.warmUpFrames : 0,
      }),
    'session.start': ({ language }) => {
      const result = session.start(language);
      if (result.ok) logger.info({ event: 'session.started' }, 'session started');
      return result;
    },
    'session.get': () => ok(session.snapshot()),
    'session.chooseLanguage': ({ language }) => session.chooseLanguage(language),
    'session.setLanguage': ({ language }) => session.setLanguage(language),
    'session.acceptConsent': ({ consentVersion }) => {
      if (consentVersion !== CONSENT_VERSION) {
        return fail('BAD_REQUEST', `The consent shown (${consentVersion}) is not the booth's current text (${CONSENT_VERSION}).`);
      }
      return session.acceptConsent(consentVersion);
    },
    'session.declineConsent': () => {
      const guard = session.requireStep('consent');
      if (guard) return guard;
      session.wipe('declined');
      return ok(null);
    },
    'session.submitNik': ({ nik }) => logRejection(logger, 'nik', session.submitNik(nik)),
    'session.submitEmail': ({ email }) => logRejection(logger, 'email', session.submitEmail(email)),
    'session.submitPhone': ({ phone }) => logRejection(logger, 'phone', session.submitPhone(phone)),
    'session.edit': ({ field }) => session.edit(field),
    'session.back': () => session.back(),
    'session.confirmReview': () => session.confirmReview(),
    'session.keepAlive': () => session.keepAlive(),
    'session.wipe': ({ reason }) => ok({ wiped: session.wipe(reason) }),
    'card.read': () => readCard(),
    'card.confirm': () => session.confirmCard(),
    'face.setup': () => face.setup(),
    'face.beginChallenge': () => face.beginChallenge(),
    'face.submitCapture': (params) => face.submitCapture(params),
    'face.verify': () => face.verify(),
    'signoff.request': unavailable('signoff', 'signoff'),
  };

  return {
    handlers,
    events,
    session,
    cardReader,
    faceModelFiles: faceModels.ok ? faceModels.files : new Map(),
    dispose: async () => {
      session.wipe('cancel');
      stopCardRead?.();
      // A PC/SC exchange stuck on a silent card ends only when the card is lifted: wait a little, not for ever.
      // A process that then exits with it still stuck ends by SIGTERM (card/pcsc/stuckCalls.ts), never hangs.
      if (cardRead) await Promise.race([cardRead.ended, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      await cardReader?.close();
    },
  };
}

/** Rejected values are counted by reason only; the value itself is never logged. */
function logRejection<T extends { ok: boolean; error?: { code: string; reason?: string } }>(logger: Logger, field: string, result: T): T {
  if (!result.ok) logger.info({ event: 'input.rejected', field, code: result.error?.code, reason: result.error?.reason }, 'input rejected');
  return result;
}
