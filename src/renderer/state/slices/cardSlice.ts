// The e-KTP step: the read (with its progress, while it runs) and the
// citizen's confirmation of the name and masked NIK from the chip.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { PayloadOf } from '../../../shared/contract/contract';
import type { JourneyState } from '../journeyStore';
import { sendCall } from './sendCall';

export interface CardData {
  /** How far the e-KTP read is, while it runs. */
  cardProgress: { stage: string; fraction: number } | null;
}

export interface CardSlice extends CardData {
  readCard(): Promise<void>;
  confirmCard(): Promise<void>;
  /** The core's card.progress event: shown only while this screen's read is in flight. */
  showCardProgress(progress: PayloadOf<'card.progress'>): void;
}

export const cardCitizenData = (): CardData => ({ cardProgress: null });

export const createCardSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], CardSlice> =>
  (set, get) => ({
    ...cardCitizenData(),

    async readCard() {
      set({ cardProgress: { stage: 'sam', fraction: 0 } });
      await sendCall(set, get, () => client.card.read(), 'card');
      set({ cardProgress: null });
    },
    confirmCard: () => sendCall(set, get, () => client.card.confirm(), 'card').then(() => undefined),
    showCardProgress(progress) {
      if (get().busy) set({ cardProgress: progress });
    },
  });
