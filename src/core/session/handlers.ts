// The journey's own calls (start, language, consent, the typed values, review,
// back, keep-alive, wipe): the session does the work; this adds the consent
// text check and counts rejected values by reason, never logging a value.
// Declining the consent ends the journey here, referred to the service desk.
import type { BoothHandlers } from '../../shared/contract/dispatch';
import { fail, ok } from '../../shared/contract/result';
import type { Logger } from '../logging';
import type { CitizenSession } from './session';

type JourneyMethod = Extract<keyof BoothHandlers, `session.${string}`>;

export interface JourneyHandlerOptions {
  session: CitizenSession;
  logger: Logger;
  /** The consent text the screens show; an acceptance of any other is refused. */
  consentVersion: string;
}

export function createJourneyHandlers({
  session,
  logger,
  consentVersion: current,
}: JourneyHandlerOptions): Pick<BoothHandlers, JourneyMethod> {
  return {
    'session.start': ({ language }) => {
      const result = session.start(language);
      if (result.ok) logger.info({ event: 'session.started' }, 'session started');
      return result;
    },
    'session.get': () => ok(session.snapshot()),
    'session.chooseLanguage': ({ language }) => session.chooseLanguage(language),
    'session.setLanguage': ({ language }) => session.setLanguage(language),
    'session.acceptConsent': ({ consentVersion }) => {
      if (consentVersion !== current)
        return fail('BAD_REQUEST', `The consent shown (${consentVersion}) is not the booth's current text (${current}).`);
      return session.acceptConsent(consentVersion);
    },
    // Nothing typed yet to erase; the screen says where IKD can still be activated, and Finish wipes the session.
    'session.declineConsent': () => session.refer('consent-declined'),
    'session.submitEmail': ({ email }) => logRejection(logger, 'email', session.submitEmail(email)),
    'session.submitPhone': ({ phone }) => logRejection(logger, 'phone', session.submitPhone(phone)),
    'session.edit': ({ field }) => session.edit(field),
    'session.back': () => session.back(),
    'session.confirmReview': () => session.confirmReview(),
    'session.keepAlive': () => session.keepAlive(),
    'session.wipe': ({ reason }) => ok({ wiped: session.wipe(reason) }),
  };
}

/** Rejected values are counted by reason only; the value itself is never logged. */
function logRejection<T extends { ok: boolean; error?: { code: string; reason?: string } }>(logger: Logger, field: string, result: T): T {
  if (!result.ok) logger.info({ event: 'input.rejected', field, code: result.error?.code, reason: result.error?.reason }, 'input rejected');
  return result;
}
