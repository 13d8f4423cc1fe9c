// The end at the service desk: the core decided it and gave the reason; the
// citizen can only finish, which erases the session.
import type { StateCreator } from 'zustand/vanilla';
import type { WipeReason } from '../../../shared/contract/schemas';
import type { ReferralReason } from '../../../shared/journey/machine';
import type { JourneyState } from '../journeyStore';

export interface ReferralSlice {
  /** Touch on "Finish and erase data": the session is wiped, counted as declined when the citizen declined the consent. */
  finishReferral(): Promise<void>;
}

const wipeReasons: Partial<Record<ReferralReason, WipeReason>> = { 'consent-declined': 'declined' };

export const createReferralSlice = (): StateCreator<JourneyState, [], [], ReferralSlice> => (_set, get) => ({
  async finishReferral() {
    const reason = get().session?.referral?.reason;
    await get().wipe((reason && wipeReasons[reason]) ?? 'finished');
  },
});
