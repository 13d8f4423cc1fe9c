// The e-KTP step: whether a card lies on the reader (the screen reads it as
// soon as it is placed), the read (with its progress, while it runs) and the
// citizen's confirmation of the name and NIK from the chip.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { PayloadOf } from '../../../shared/contract/contract';
import type { ChipPhoto } from '../../../shared/contract/schemas';
import type { JourneyState } from '../journeyStore';
import { sendCall } from './sendCall';

export interface CardData {
  /** How far the e-KTP read is, while it runs. */
  cardProgress: { stage: string; fraction: number } | null;
  /** What the reader last said (card.presence), while the session is at the card step; null before it said anything. */
  cardPresence: PayloadOf<'card.presence'> | null;
  /** The chip's photo (a JPEG the core made) while the card is shown to confirm; 'unreadable' when the core could not decode it. */
  chipPhoto: ChipPhoto | 'unreadable' | null;
}

export interface CardSlice extends CardData {
  readCard(): Promise<void>;
  confirmCard(): Promise<void>;
  /** "This is not my e-KTP": the core erases the readout; the screen asks for the citizen's own card. */
  rejectCard(): Promise<void>;
  /** Asks the core for the photo of the card shown to confirm. */
  loadChipPhoto(): Promise<void>;
  /** The core's card.presence event. */
  showCardPresence(presence: PayloadOf<'card.presence'>): void;
  /** The core's card.progress event: shown only while this screen's read is in flight. */
  showCardProgress(progress: PayloadOf<'card.progress'>): void;
}

export const cardCitizenData = (): CardData => ({ cardProgress: null, cardPresence: null, chipPhoto: null });

export const createCardSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], CardSlice> =>
  (set, get) => ({
    ...cardCitizenData(),

    async readCard() {
      set({ cardProgress: { stage: 'sam', fraction: 0 } });
      await sendCall(set, get, () => client.card.read(), 'card');
      set({ cardProgress: null });
    },
    async confirmCard() {
      if (await sendCall(set, get, () => client.card.confirm(), 'card')) set({ chipPhoto: null });
    },
    async rejectCard() {
      const rejected = await sendCall(set, get, () => client.card.reject(), 'card');
      if (rejected) set({ chipPhoto: null });
      if (rejected && get().session?.step === 'card') set({ problem: { field: 'card', code: 'CARD_FAILED', reason: 'REJECTED' } });
    },
    async loadChipPhoto() {
      const nik = get().session?.chip?.nik;
      const answer = await client.card.photo();
      // The answer is for the card still shown (not one rejected or confirmed meanwhile).
      if (nik === undefined || get().session?.chip?.nik !== nik) return;
      set({ chipPhoto: answer.ok ? answer.value : 'unreadable' });
    },
    showCardPresence(presence) {
      set({ cardPresence: presence });
    },
    showCardProgress(progress) {
      if (get().busy) set({ cardProgress: progress });
    },
  });
