// The renderer's state: what the core last said (booth info, the session
// snapshot) plus what only the screen holds (drafts being typed, the last
// problem to show). The journey step always comes from the core.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BoothClient } from '../../shared/contract/client';
import type { BoothError, ErrorCode, Result } from '../../shared/contract/result';
import type { BoothInfo, SessionSnapshot, WipeReason } from '../../shared/contract/schemas';
import type { EditableStep, Language, ReferralReason } from '../../shared/journey/machine';
import { checkEmail } from '../../shared/identity/email';
import { appendToDraft, backspaceDraft, emptyDrafts, type DraftField, type Drafts } from './drafts';

/** 'in-use': another window owns the booth's citizen session (headless host). */
export type ConnectionState = 'connecting' | 'open' | 'lost' | 'gave-up' | 'no-token' | 'in-use';

export interface Problem {
  /** Which field (or the card step) the problem belongs to, or 'general'. */
  field: DraftField | 'card' | 'general';
  code: ErrorCode;
  reason?: string;
}

export interface JourneyData {
  connection: ConnectionState;
  info: BoothInfo | null;
  session: SessionSnapshot | null;
  drafts: Drafts;
  /** The email is typed and shown large for the citizen to confirm. */
  emailConfirming: boolean;
  /** A field refused more input because it was full. */
  limitedField: DraftField | null;
  problem: Problem | null;
  busy: boolean;
  /** How far the e-KTP read is, while it runs. */
  cardProgress: { stage: string; fraction: number } | null;
  /** The camera sees a face: the citizen is there even without touching the screen. */
  faceInView: boolean;
}

export interface JourneyActions {
  setConnection(connection: ConnectionState): void;
  loadInfo(): Promise<void>;
  start(): Promise<void>;
  chooseLanguage(language: Language): Promise<void>;
  switchLanguage(): Promise<void>;
  acceptConsent(): Promise<void>;
  declineConsent(): Promise<void>;
  type(field: DraftField, text: string): void;
  backspace(field: DraftField): void;
  clear(field: DraftField): void;
  submitNik(): Promise<void>;
  reviewEmail(): void;
  editEmailAgain(): void;
  submitEmail(): Promise<void>;
  submitPhone(): Promise<void>;
  edit(field: EditableStep): Promise<void>;
  back(): Promise<void>;
  confirmReview(): Promise<void>;
  readCard(): Promise<void>;
  confirmCard(): Promise<void>;
  /** Asks the core for the sign-off; answers its error, if any (a referral arrives as a snapshot). */
  requestSignoff(): Promise<BoothError | null>;
  /** Touch on "Finish and erase data" at the referral: the session is wiped, counted as declined when the consent was. */
  finishReferral(): Promise<void>;
  keepAlive(): Promise<void>;
  /** The face step's own calls (its loop handles their answers). */
  faceCalls: BoothClient['face'];
  setFaceInView(inView: boolean): void;
  wipe(reason: WipeReason): Promise<void>;
  /** Forgets everything the screen holds about the citizen. */
  resetLocal(): void;
  applySnapshot(session: SessionSnapshot | null): void;
}

export type JourneyState = JourneyData & JourneyActions;
export type JourneyStore = StoreApi<JourneyState>;

/** Everything the screen holds about a citizen; `busy` is not in it, so a wipe cannot re-open a call in flight. */
const citizenData = (): Omit<JourneyData, 'connection' | 'info' | 'busy'> => ({
  session: null,
  drafts: { ...emptyDrafts },
  emailConfirming: false,
  limitedField: null,
  problem: null,
  cardProgress: null,
  faceInView: false,
});

const INFO_ATTEMPTS = 5;

const referralWipeReasons: Partial<Record<ReferralReason, WipeReason>> = { 'consent-declined': 'declined' };

export function createJourneyStore(client: BoothClient): JourneyStore {
  const store = createStore<JourneyState>()((set, get) => {
    /** Sends one call; a snapshot answer moves the journey, an error is kept for the screen. */
    async function send(call: () => Promise<Result<SessionSnapshot>>, field: Problem['field'] = 'general'): Promise<boolean> {
      if (get().busy) return false; // a second tap while a call is in flight is ignored
      set({ busy: true });
      try {
        const result = await call();
        if (result.ok) {
          get().applySnapshot(result.value);
          set({ problem: null });
          return true;
        }
        if (result.error.code === 'NO_SESSION') get().resetLocal();
        set({
          problem: { field: result.error.code === 'NO_SESSION' ? 'general' : field, code: result.error.code, reason: result.error.reason },
        });
        return false;
      } finally {
        set({ busy: false });
      }
    }

    return {
      connection: 'connecting',
      info: null,
      busy: false,
      ...citizenData(),

      setConnection: (connection) => set({ connection }),

      async loadInfo() {
        // Without booth info the screen cannot run (consent version, timeouts): a few tries, then the offline screen stays.
        for (let attempt = 0; attempt < INFO_ATTEMPTS; attempt++) {
          const result = await client.booth.info();
          if (result.ok) {
            set({ info: result.value });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
        }
      },

      async start() {
        if (get().busy) return;
        get().resetLocal();
        await send(() => client.session.start({ language: 'id' }));
      },
      chooseLanguage: (language) => send(() => client.session.chooseLanguage({ language })).then(() => undefined),
      async switchLanguage() {
        const current = get().session?.language ?? 'id';
        await send(() => client.session.setLanguage({ language: current === 'id' ? 'en' : 'id' }));
      },
      async acceptConsent() {
        const version = get().info?.consentVersion ?? '';
        await send(() => client.session.acceptConsent({ consentVersion: version }));
      },
      // The core refers the citizen to the service desk: its snapshot brings the referral screen.
      declineConsent: () => send(() => client.session.declineConsent()).then(() => undefined),

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

      submitNik: () => send(() => client.session.submitNik({ nik: get().drafts.nik }), 'nik').then(() => undefined),
      reviewEmail() {
        const check = checkEmail(get().drafts.email);
        if (check.valid) set({ emailConfirming: true, problem: null, drafts: { ...get().drafts, email: check.email } });
        else set({ problem: { field: 'email', code: 'INVALID_EMAIL', reason: check.reason } });
      },
      editEmailAgain: () => set({ emailConfirming: false }),
      async submitEmail() {
        await send(() => client.session.submitEmail({ email: get().drafts.email }), 'email');
        set({ emailConfirming: false });
      },
      submitPhone: () => send(() => client.session.submitPhone({ phone: get().drafts.phone }), 'phone').then(() => undefined),

      async edit(field) {
        const moved = await send(() => client.session.edit({ field }));
        if (moved) {
          const current = get().session?.[field] ?? '';
          set({ drafts: { ...get().drafts, [field]: current }, emailConfirming: false });
        }
      },
      back: () => send(() => client.session.back()).then(() => undefined),
      confirmReview: () => send(() => client.session.confirmReview()).then(() => undefined),

      async readCard() {
        set({ cardProgress: { stage: 'sam', fraction: 0 } });
        await send(() => client.card.read(), 'card');
        set({ cardProgress: null });
      },
      confirmCard: () => send(() => client.card.confirm(), 'card').then(() => undefined),

      async requestSignoff() {
        const result = await client.signoff.request();
        if (!result.ok) return result.error;
        get().applySnapshot(result.value);
        return null;
      },

      async finishReferral() {
        const reason = get().session?.referral?.reason;
        await get().wipe((reason && referralWipeReasons[reason]) ?? 'finished');
      },

      async keepAlive() {
        if (!get().session) return;
        const result = await client.session.keepAlive();
        if (result.ok) get().applySnapshot(result.value);
        else if (result.error.code === 'NO_SESSION') get().resetLocal();
      },

      faceCalls: client.face,
      setFaceInView: (faceInView) => {
        if (get().faceInView !== faceInView) set({ faceInView });
      },

      async wipe(reason) {
        get().resetLocal();
        await client.session.wipe({ reason });
      },

      resetLocal: () => set({ ...citizenData() }),

      applySnapshot(session) {
        if (session === null) get().resetLocal();
        // Referred to the service desk: the screen keeps nothing typed or read, only what the referral screen shows.
        else if (session.step === 'referred') set({ ...citizenData(), session });
        else set({ session });
      },
    };
  });

  client.on('session.changed', (snapshot) => store.getState().applySnapshot(snapshot));
  client.on('session.wiped', () => store.getState().resetLocal());
  client.on('card.progress', (progress) => {
    if (store.getState().busy) store.setState({ cardProgress: progress });
  });
  return store;
}
