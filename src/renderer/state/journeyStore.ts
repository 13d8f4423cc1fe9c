// The renderer's state: what the core last said (booth info, the session
// snapshot) plus what only the screen holds (drafts being typed, the last
// problem to show). The journey step always comes from the core.
//
// One store made of per-step slices (zustand's slices pattern,
// state/slices/): each step's state and actions live together, and each
// slice that holds something of a citizen gives its empty data, which a wipe
// puts back in every one of them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BoothClient } from '../../shared/contract/client';
import { createAccessSlice, type AccessData, type AccessSlice } from './slices/accessSlice';
import { createBoothSlice, type BoothSlice } from './slices/boothSlice';
import { cardCitizenData, createCardSlice, type CardSlice } from './slices/cardSlice';
import { createConsentSlice, type ConsentSlice } from './slices/consentSlice';
import { createDetailsSlice, detailsCitizenData, type DetailsSlice } from './slices/detailsSlice';
import { createFaceSlice, faceCitizenData, type FaceSlice } from './slices/faceSlice';
import { createReferralSlice, type ReferralSlice } from './slices/referralSlice';
import { createSessionSlice, sessionCitizenData, type SessionSlice } from './slices/sessionSlice';
import { createSignoffSlice, type SignoffSlice } from './slices/signoffSlice';

export type { ConnectionState } from './slices/boothSlice';
export type { Problem } from './slices/sessionSlice';

export type JourneyState = BoothSlice &
  SessionSlice &
  ConsentSlice &
  DetailsSlice &
  CardSlice &
  FaceSlice &
  SignoffSlice &
  ReferralSlice &
  AccessSlice;
export type JourneyStore = StoreApi<JourneyState>;

/** The store's values, without its actions. */
type ValuesOf<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };
/** What is not a citizen's: the booth, a call in flight (a wipe cannot re-open it), the face step's calls. */
/** (erasedNotice says only that someone erased their data: nothing of who.) */
type BoothValues = 'connection' | 'inService' | 'admission' | 'erasedNotice' | 'info' | 'busy' | 'faceCalls';
/** Everything the screen holds about a citizen: a value a slice adds is citizen data unless named above, and must be reset below. */
/** (The access settings are the visit's, not the citizen's data: a wipe resets them, a referral keeps them; sessionSlice.ts.) */
export type CitizenData = Omit<ValuesOf<JourneyState>, BoothValues | keyof AccessData>;

const citizenData = (): CitizenData => ({
  ...sessionCitizenData(),
  ...detailsCitizenData(),
  ...cardCitizenData(),
  ...faceCitizenData(),
});

export function createJourneyStore(client: BoothClient): JourneyStore {
  const store = createStore<JourneyState>()((...api) => ({
    ...createBoothSlice(client)(...api),
    ...createSessionSlice(client, citizenData)(...api),
    ...createConsentSlice(client)(...api),
    ...createDetailsSlice(client)(...api),
    ...createCardSlice(client)(...api),
    ...createFaceSlice(client)(...api),
    ...createSignoffSlice(client)(...api),
    ...createReferralSlice()(...api),
    ...createAccessSlice(client)(...api),
  }));

  client.on('session.changed', (snapshot) => store.getState().applySnapshot(snapshot));
  client.on('session.wiped', () => store.getState().resetLocal());
  client.on('booth.status', ({ inService }) => store.getState().setInService(inService));
  client.on('booth.admission', (admission) => store.getState().setAdmission(admission));
  client.on('card.progress', (progress) => store.getState().showCardProgress(progress));
  client.on('card.presence', (presence) => store.getState().showCardPresence(presence));
  return store;
}
