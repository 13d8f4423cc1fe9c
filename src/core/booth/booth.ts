// The composition root: the one place that turns configuration into a
// running booth. It picks drivers (the card reader, the camera settings and
// verified face models; sign-off answers STEP_UNAVAILABLE and refers the
// citizen until it is built), wires them to the session, and exposes the
// contract's handlers and events.
import type { BoothHandlers } from '../../shared/contract/dispatch';
import type { Capabilities } from '../../shared/contract/schemas';
import { fail, ok } from '../../shared/contract/result';
import type { BoothConfig } from '../config';
import type { Logger } from '../logging';
import { cardReadDeadlineMs, createCardReader, createCardStep, type CardReader, type CardStep } from '../card';
import { createFaceStep, type FaceMatcher, type FaceStep, type VerifiedModels } from '../face';
import { createHelpStep, logOnlyOfficerCalls, type OfficerCallNotifier } from '../help';
import { VOICE_PACK_PREFIX } from '../speech';
import { CitizenSession, createJourneyHandlers, type SessionClock } from '../session';
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
  /** Tells the officer console that a citizen called an officer; the default only logs (no console yet). */
  officerCalls?: OfficerCallNotifier;
  /** The voice pack's checked recordings by file name (empty: the generated voice only). */
  voicePack?: ReadonlyMap<string, Buffer>;
  /** Matches the live face to the chip photo (null: none, and a captured face is referred to the desk). Stopped by dispose(). */
  faceMatcher?: FaceMatcher | null;
}

export interface Booth {
  handlers: BoothHandlers;
  events: BoothEvents;
  /** The live session, for tests and the technician view (never the renderer). */
  session: CitizenSession;
  /** Each step's module: its handlers and its share of the session (tests and the technician view look inside). */
  steps: { card: CardStep; face: FaceStep };
  /** The face matcher (null: none configured): its state and self-test for the technician. */
  faceMatcher: FaceMatcher | null;
  /** The e-KTP reader chosen by configuration (null: none). */
  cardReader: CardReader | null;
  /** Verified model bytes by file name, for the renderer's origin to serve (empty when the check failed). */
  faceModelFiles: ReadonlyMap<string, Buffer>;
  dispose(): Promise<void>;
}

export async function createBooth({
  config,
  logger,
  version,
  clock,
  faceModels,
  officerCalls,
  voicePack = new Map(),
  faceMatcher = null,
}: BoothOptions): Promise<Booth> {
  const events = new BoothEvents();
  const { idleTimeoutSec, idleWarningSec, expiryGraceSec } = config.session;
  const session = new CitizenSession({
    expirySec: idleTimeoutSec + idleWarningSec + expiryGraceSec,
    clock,
    onChange: (snapshot) => events.emit('session.changed', snapshot),
    presenceCapSec: config.face.presenceCapSec,
    onWiped: (reason) => {
      logger.info({ event: 'session.wiped', reason }, 'session wiped');
      events.emit('session.wiped', { reason });
    },
    onReferred: ({ reason, code, reference }) =>
      logger.info({ event: 'session.referred', reason, code, reference }, 'citizen referred to the service desk'),
  });
  // Each step's factory attaches its part of the session.
  const reader = await createCardReader(config.devices.card, { onNotice: (event, message) => logger.warn({ event }, message) });
  const card = createCardStep({ reader, session, events, logger, deadlineMs: cardReadDeadlineMs(config.devices.card) });
  // The session's clock: a challenge's windows are timed like the session's own expiry (and tests can drive both).
  const now = clock ? () => clock.now() : Date.now;
  const face = createFaceStep({
    settings: config.face,
    camera: config.devices.camera,
    models: faceModels,
    session,
    logger,
    matcher: faceMatcher,
    chipPhoto: () => card.part.readout?.photo ?? null,
    now,
  });
  if (!faceModels.ok)
    for (const problem of faceModels.problems)
      logger.error({ event: 'face.model_refused', file: problem.file, problem: problem.problem }, problem.message);
  const help = createHelpStep({ boothId: config.booth.id, logger, notifier: officerCalls ?? logOnlyOfficerCalls(logger) });
  const capabilities: Capabilities = { card: card.available, face: face.available, signoff: false };

  // Not built yet: the citizen is referred to the service desk.
  const signoffUnavailable = () => {
    const guard = session.requireStep('signoff');
    if (guard) return guard;
    session.refer('signoff-unavailable');
    return fail('STEP_UNAVAILABLE', 'This booth cannot do the signoff step yet.');
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
        speech: { defaultVolume: config.speech.defaultVolume, voicePack: [...voicePack.keys()] },
      }),
    ...createJourneyHandlers({ session, logger, consentVersion: CONSENT_VERSION }),
    ...card.handlers,
    ...face.handlers,
    'signoff.request': signoffUnavailable,
    ...help.handlers,
  };

  return {
    handlers,
    events,
    session,
    steps: { card, face },
    faceMatcher,
    cardReader: card.reader,
    // The voice pack is served from the same verified, in-memory folder as the models.
    faceModelFiles: new Map([
      ...(faceModels.ok ? faceModels.files : new Map<string, Buffer>()),
      ...[...voicePack].map(([name, bytes]) => [VOICE_PACK_PREFIX + name, bytes] as const),
    ]),
    dispose: async () => {
      session.wipe('cancel');
      await card.dispose();
      await faceMatcher?.stop();
    },
  };
}
