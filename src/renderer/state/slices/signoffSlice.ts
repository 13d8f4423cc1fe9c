// The officer's sign-off step: the token the screen shows (and renews), and
// the officer's approval QR the camera read, handed to the core to check.
// The decision itself arrives as a snapshot (done, or the referral).
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { BoothError } from '../../../shared/contract/result';
import type { SignoffToken } from '../../../shared/contract/schemas';
import type { JourneyState } from '../journeyStore';

export interface SignoffSlice {
  /** The token to show: the same one until its last 30 s, then a renewed one. An error when there is none (a referral follows). */
  requestSignoff(): Promise<{ token: SignoffToken } | { error: BoothError }>;
  /** Hands a scanned approval QR to the core; answers why it was refused, if it was (an approval arrives as a snapshot). */
  scanApproval(text: string): Promise<BoothError | null>;
}

export const createSignoffSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], SignoffSlice> =>
  (_set, get) => ({
    async requestSignoff() {
      const result = await client.signoff.request();
      return result.ok ? { token: result.value } : { error: result.error };
    },
    async scanApproval(text) {
      const result = await client.signoff.scanApproval({ text });
      if (!result.ok) return result.error;
      get().applySnapshot(result.value);
      return null;
    },
  });
