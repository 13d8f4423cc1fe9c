// The consent step: agree (with the version of the text shown), or decline,
// which the core turns into a referral to the service desk.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { JourneyState } from '../journeyStore';
import { sendCall } from './sendCall';

export interface ConsentSlice {
  acceptConsent(): Promise<void>;
  declineConsent(): Promise<void>;
}

export const createConsentSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], ConsentSlice> =>
  (set, get) => ({
    async acceptConsent() {
      const version = get().info?.consentVersion ?? '';
      await sendCall(set, get, () => client.session.acceptConsent({ consentVersion: version }));
    },
    declineConsent: () => sendCall(set, get, () => client.session.declineConsent()).then(() => undefined),
  });
