// The hook the officer console will implement: when a citizen taps "Call an
// officer", the booth tells whoever watches the booths. Until that upstream
// exists the default only writes a log line, and the screen's own sign is
// what calls the officer.
import type { Logger } from '../logging';

/** What an officer needs to walk over: which booth and which screen. Never anything of the citizen. */
export interface OfficerCall {
  boothId: string;
  /** The screen the citizen asked from (a journey step, or 'attract' before a session). */
  screen: string;
  /** When the citizen asked, ISO 8601. */
  at: string;
}

/** Implemented by the officer console's client (upstream); answers whether a console was told. */
export interface OfficerCallNotifier {
  notify(call: OfficerCall): Promise<boolean> | boolean;
}

/** The default until an officer console exists: a log line, and "no console was told". */
export function logOnlyOfficerCalls(logger: Logger): OfficerCallNotifier {
  return {
    notify(call) {
      logger.info(
        { event: 'help.officer_call_not_forwarded', screen: call.screen },
        'no officer console is configured; the booth shows its sign only',
      );
      return false;
    },
  };
}
