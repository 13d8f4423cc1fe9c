// The composition root: the one place that turns configuration into a
// running booth. It picks drivers (none yet for card, face and sign-off: their
// steps answer STEP_UNAVAILABLE until those capabilities are built), wires
// them to the session, and exposes the contract's handlers and events.
import type { BoothHandlers } from '../../shared/contract/dispatch';
import type { Capabilities } from '../../shared/contract/schemas';
import { fail, ok } from '../../shared/contract/result';
import type { JourneyStep } from '../../shared/journey/machine';
import type { BoothConfig } from '../config/schema';
import type { Logger } from '../logging/logger';
import { CitizenSession, type SessionClock } from '../session/session';
import { BoothEvents } from './events';

/** Version of the consent text the screens show; stored with each acceptance. */
export const CONSENT_VERSION = '2026-11-id-en-1';

export interface BoothOptions {
  config: BoothConfig;
  logger: Logger;
  version: string;
  clock?: SessionClock;
}

export interface Booth {
  handlers: BoothHandlers;
  events: BoothEvents;
  /** The live session, for tests and the technician view (never the renderer). */
  session: CitizenSession;
  dispose(): void;
}

export function createBooth({ config, logger, version, clock }: BoothOptions): Booth {
  const events = new BoothEvents();
  const { idleTimeoutSec, idleWarningSec, expiryGraceSec } = config.session;
  const session = new CitizenSession({
    expirySec: idleTimeoutSec + idleWarningSec + expiryGraceSec,
    clock,
    onChange: (snapshot) => events.emit('session.changed', snapshot),
    onWiped: (reason) => {
      logger.info({ event: 'session.wiped', reason }, 'session wiped');
      events.emit('session.wiped', { reason });
    },
  });
  const capabilities: Capabilities = { card: false, face: false, signoff: false };

  const unavailable = (step: JourneyStep, capability: keyof Capabilities) => () => {
    const guard = session.requireStep(step);
    if (guard) return guard;
    return fail('STEP_UNAVAILABLE', `This booth cannot do the ${capability} step yet.`);
  };

  const handlers: BoothHandlers = {
    'booth.info': () =>
      ok({ boothId: config.booth.id, version, idleTimeoutSec, idleWarningSec, consentVersion: CONSENT_VERSION, capabilities }),
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
    'card.read': unavailable('card', 'card'),
    'face.verify': unavailable('face', 'face'),
    'signoff.request': unavailable('signoff', 'signoff'),
  };

  return {
    handlers,
    events,
    session,
    dispose: () => session.wipe('cancel'),
  };
}

/** Rejected values are counted by reason only; the value itself is never logged. */
function logRejection<T extends { ok: boolean; error?: { code: string; reason?: string } }>(logger: Logger, field: string, result: T): T {
  if (!result.ok) logger.info({ event: 'input.rejected', field, code: result.error?.code, reason: result.error?.reason }, 'input rejected');
  return result;
}
