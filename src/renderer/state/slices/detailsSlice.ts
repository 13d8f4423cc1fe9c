// The details the citizen types (email, mobile number) on the booth's
// keyboards, and the review where any of them can be changed: the drafts
// being typed, the email shown large to confirm, and the calls that hand
// each value to the core.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import { checkEmail } from '../../../shared/identity/email';
import type { EditableStep } from '../../../shared/journey/machine';
import { appendToDraft, backspaceDraft, emptyDrafts, type DraftField, type Drafts } from '../drafts';
import type { JourneyState } from '../journeyStore';
import { sendCall } from './sendCall';

export interface DetailsData {
  drafts: Drafts;
  /** The email is typed and shown large for the citizen to confirm. */
  emailConfirming: boolean;
  /** A field refused more input because it was full. */
  limitedField: DraftField | null;
}

export interface DetailsSlice extends DetailsData {
  type(field: DraftField, text: string): void;
  backspace(field: DraftField): void;
  clear(field: DraftField): void;
  reviewEmail(): void;
  editEmailAgain(): void;
  submitEmail(): Promise<void>;
  submitPhone(): Promise<void>;
  /** From the review: change one value (its draft starts from the value the core holds). */
  edit(field: EditableStep): Promise<void>;
  confirmReview(): Promise<void>;
}

export const detailsCitizenData = (): DetailsData => ({ drafts: { ...emptyDrafts }, emailConfirming: false, limitedField: null });

export const createDetailsSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], DetailsSlice> =>
  (set, get) => ({
    ...detailsCitizenData(),

    type(field, text) {
      const edit = appendToDraft(field, get().drafts[field], text);
      set({ drafts: { ...get().drafts, [field]: edit.value }, limitedField: edit.limited ? field : null, problem: null });
    },
    backspace(field) {
      set({ drafts: { ...get().drafts, [field]: backspaceDraft(get().drafts[field]) }, limitedField: null, problem: null });
    },
    clear(field) {
      set({ drafts: { ...get().drafts, [field]: '' }, limitedField: null, problem: null, emailConfirming: false });
    },

    reviewEmail() {
      const check = checkEmail(get().drafts.email);
      if (check.valid) set({ emailConfirming: true, problem: null, drafts: { ...get().drafts, email: check.email } });
      else set({ problem: { field: 'email', code: 'INVALID_EMAIL', reason: check.reason } });
    },
    editEmailAgain: () => set({ emailConfirming: false }),
    async submitEmail() {
      await sendCall(set, get, () => client.session.submitEmail({ email: get().drafts.email }), 'email');
      set({ emailConfirming: false });
    },
    submitPhone: () => sendCall(set, get, () => client.session.submitPhone({ phone: get().drafts.phone }), 'phone').then(() => undefined),

    async edit(field) {
      const moved = await sendCall(set, get, () => client.session.edit({ field }));
      if (moved) {
        const current = get().session?.[field] ?? '';
        set({ drafts: { ...get().drafts, [field]: current }, emailConfirming: false });
      }
    },
    confirmReview: () => sendCall(set, get, () => client.session.confirmReview()).then(() => undefined),
  });
