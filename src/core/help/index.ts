// Help on every screen: the citizen's "Call an officer". The core logs the
// call (booth and screen, no personal data) and hands it to the officer-call
// hook; the screen shows its own large sign whatever the hook answers.
import type { AnswerOf } from '../../shared/contract/contract';
import type { BoothHandlers } from '../../shared/contract/dispatch';
import { ok } from '../../shared/contract/result';
import type { Logger } from '../logging';
import type { OfficerCallNotifier } from './officerCall';

export { logOnlyOfficerCalls, type OfficerCall, type OfficerCallNotifier } from './officerCall';

export interface HelpStepOptions {
  boothId: string;
  logger: Logger;
  notifier: OfficerCallNotifier;
  now?: () => Date;
}

export function createHelpStep({ boothId, logger, notifier, now = () => new Date() }: HelpStepOptions) {
  async function callOfficer(screen: string): Promise<AnswerOf<'help.callOfficer'>> {
    logger.info({ event: 'help.officer_called', screen }, 'a citizen called an officer');
    let consoleNotified = false;
    try {
      consoleNotified = await notifier.notify({ boothId, screen, at: now().toISOString() });
    } catch (error) {
      // A console that cannot be reached must not take the sign away: the citizen still sees it on the booth.
      logger.warn({ event: 'help.officer_call_failed', screen, error: String(error).slice(0, 200) }, 'the officer console was not told');
    }
    return ok({ consoleNotified });
  }

  const handlers: Pick<BoothHandlers, 'help.callOfficer'> = {
    'help.callOfficer': ({ screen }) => callOfficer(screen),
  };
  return { handlers };
}
