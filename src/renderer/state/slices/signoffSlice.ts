// The officer's sign-off step. Until this booth can do it, the core answers
// STEP_UNAVAILABLE and refers the citizen to the service desk.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { BoothError } from '../../../shared/contract/result';
import type { JourneyState } from '../journeyStore';

export interface SignoffSlice {
  /** Asks the core for the sign-off; answers its error, if any (a referral arrives as a snapshot). */
  requestSignoff(): Promise<BoothError | null>;
}

export const createSignoffSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], SignoffSlice> =>
  (_set, get) => ({
    async requestSignoff() {
      const result = await client.signoff.request();
      if (!result.ok) return result.error;
      get().applySnapshot(result.value);
      return null;
    },
  });
