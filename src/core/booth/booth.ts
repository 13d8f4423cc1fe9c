// The composition root: the one place that turns configuration into a
// running booth. It picks drivers (the card reader, the camera settings and
// verified face models, the upstream for sign-off decisions), wires them to
// the session, and exposes the contract's handlers and events.
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
import { createEnrollmentStep, type Admission, type EnrollmentStep, type Vault } from '../vault';
import { createSignoffStep } from '../signoff';
import { startSyncFromBooth, type HeartbeatFacts, type SyncEngine } from '../sync';
import { freeSpaceAt } from '../vault';
import { modelManifest } from '../face';
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
  /** The enrollment vault, opening or open (compose.ts starts it); stopped by dispose(). */
  vault: Promise<Vault>;
  /** How often the free-space guard looks again while nobody is at the booth. Default 10 s. */
  admissionCheckMs?: number;
}

/** Looked at this often for the welcome screen (free space changes without anyone at the booth). */
const ADMISSION_CHECK_MS = 10_000;

export interface Booth {
  handlers: BoothHandlers;
  events: BoothEvents;
  /** The live session, for tests and the technician view (never the renderer). */
  session: CitizenSession;
  /** Each step's module: its handlers and its share of the session (tests and the technician view look inside). */
  steps: { card: CardStep; face: FaceStep; enrollment: EnrollmentStep };
  /** The vault (for the technician's status and the sync), once open. */
  vault: Promise<Vault>;
  /** The face matcher (null: none configured): its state and self-test for the technician. */
  faceMatcher: FaceMatcher | null;
  /** The upstream sync, once the vault has opened (null: not configured, or no vault). */
  sync: Promise<SyncEngine | null>;
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
  vault,
  admissionCheckMs = ADMISSION_CHECK_MS,
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
    afterMatch: () => enrollment.save(),
    now,
  });
  const enrollment = createEnrollmentStep({
    vault,
    session,
    logger,
    boothId: config.booth.id,
    version,
    sources: { readout: () => card.part.readout ?? null, capture: () => face.part.capture, match: () => face.part.evidence },
  });
  // The welcome screen hears when the booth stops (or starts again) taking citizens: free space, the vault's state.
  // What the pages were last told: open, as a page assumes until told otherwise, unless booth.info said the vault was still
  // opening. Only a change is sent, so a page that connects before the vault has opened hears nothing it did not need.
  let admitted: Admission = { open: true };
  const checkAdmission = async () => {
    const now = await enrollment.admission();
    if (admitted.open === now.open && (now.open || (!admitted.open && admitted.reason === now.reason))) return;
    if (!now.open) logger.warn({ event: 'booth.admission_closed', reason: now.reason }, now.message);
    else logger.info({ event: 'booth.admission_open' }, 'the booth takes citizens again');
    admitted = now;
    events.emit('booth.admission', now.open ? { open: true, reason: null } : { open: false, reason: now.reason });
  };
  /** Admission as soon as the vault has opened; a vault still opening after a few seconds (a slow TPM) counts as unavailable. */
  const admissionSoon = (): Promise<Admission> =>
    Promise.race([
      enrollment.admission(),
      new Promise<Admission>((resolve) =>
        setTimeout(() => {
          const opening: Admission = { open: false, reason: 'VAULT_UNAVAILABLE', message: 'the vault is still opening' };
          // The page is told it is closed: the vault's opening must then be announced as a change.
          admitted = opening;
          resolve(opening);
        }, 3_000).unref(),
      ),
    ]);
  // The sync starts once the vault has opened; the journey never waits for it.
  const heartbeatFacts = async (): Promise<HeartbeatFacts> => {
    const opened = await vault;
    const space = freeSpaceAt(opened.dir);
    const matcher = faceMatcher?.status;
    const selfTest: HeartbeatFacts['selfTest'] = !matcher
      ? { state: 'none', detail: null }
      : matcher.state === 'ready'
        ? { state: 'passed', detail: null }
        : matcher.state === 'starting'
          ? { state: 'pending', detail: null }
          : { state: 'failed', detail: `${matcher.reason}: ${matcher.message}`.slice(0, 300) };
    return {
      disk: { freeBytes: space.ok ? space.freeBytes : null },
      software: {
        version,
        models: Object.fromEntries(
          [...modelManifest.files, ...modelManifest.coreFiles]
            .filter((file) => file.kind === 'model')
            .map((file) => [file.name, file.sha256.slice(0, 12)]),
        ),
      },
      selfTest,
    };
  };
  const sync: Promise<SyncEngine | null> = vault.then((opened) =>
    startSyncFromBooth({
      config,
      vault: opened,
      sealingKey: { id: config.vault.upstreamKey.id, publicKey: config.vault.upstreamKey.publicKey },
      retentionMs: config.vault.retentionDays * 86_400_000,
      version,
      logger,
      facts: heartbeatFacts,
    }),
  );
  const admissionTimer = setInterval(() => void checkAdmission(), admissionCheckMs);
  admissionTimer.unref();
  void checkAdmission();
  if (!faceModels.ok)
    for (const problem of faceModels.problems)
      logger.error({ event: 'face.model_refused', file: problem.file, problem: problem.problem }, problem.message);
  const help = createHelpStep({ boothId: config.booth.id, logger, notifier: officerCalls ?? logOnlyOfficerCalls(logger) });
  const journey = createJourneyHandlers({ session, logger, consentVersion: CONSENT_VERSION });
  const signoff = createSignoffStep({
    session,
    logger,
    vault,
    saved: () => enrollment.saved(),
    tokenTtlSec: config.signoff.tokenTtlSec,
    camera: config.devices.camera,
    upstreamKey: new Uint8Array(Buffer.from(config.sync.upstreamSigningKey, 'base64url')),
    decisions: sync,
    now,
  });
  const capabilities: Capabilities = { card: card.available, face: face.available, signoff: false };
  // Sign-off needs the booth's signing key, from the vault once it has opened.
  void vault.then((opened) => (capabilities.signoff = opened.requestSigningKey !== null));

  const handlers: BoothHandlers = {
    'booth.info': async () => {
      const admission = await admissionSoon();
      return ok({
        boothId: config.booth.id,
        version,
        idleTimeoutSec,
        idleWarningSec,
        consentVersion: CONSENT_VERSION,
        capabilities,
        faceWarmUpFrames: capabilities.face ? config.face.warmUpFrames : 0,
        speech: { defaultVolume: config.speech.defaultVolume, voicePack: [...voicePack.keys()] },
        admission: admission.open ? { open: true, reason: null } : { open: false, reason: admission.reason },
      });
    },
    ...journey,
    // A new citizen starts only while the vault can keep what they will give (free space, keys, database).
    // "Cancel and erase data": a saved enrollment of this citizen is cancelled (a sealed record about it) before the wipe.
    'session.wipe': async (params) => {
      if (params.reason === 'cancel') await enrollment.citizenCancelled();
      return journey['session.wipe'](params);
    },
    'session.start': async (params) => {
      const admission = await enrollment.admission();
      if (!admission.open) {
        void checkAdmission();
        return fail('OUT_OF_SERVICE', `This booth cannot take a new citizen now: ${admission.message}`, { reason: admission.reason });
      }
      return journey['session.start'](params);
    },
    ...card.handlers,
    ...face.handlers,
    ...signoff.handlers,
    ...help.handlers,
  };

  return {
    handlers,
    events,
    session,
    steps: { card, face, enrollment },
    vault,
    faceMatcher,
    sync,
    cardReader: card.reader,
    // The voice pack is served from the same verified, in-memory folder as the models.
    faceModelFiles: new Map([
      ...(faceModels.ok ? faceModels.files : new Map<string, Buffer>()),
      ...[...voicePack].map(([name, bytes]) => [VOICE_PACK_PREFIX + name, bytes] as const),
    ]),
    dispose: async () => {
      clearInterval(admissionTimer);
      signoff.dispose();
      session.wipe('cancel');
      await card.dispose();
      await faceMatcher?.stop();
      await (await sync)?.stop();
      await (await vault).stop();
    },
  };
}
