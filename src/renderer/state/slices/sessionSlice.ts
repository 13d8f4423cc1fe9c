// The citizen's session as the core last reported it, and the journey's own
// calls (start, language, back, keep-alive, wipe). The step always comes from
// the core. A wipe, or the journey ending at the service desk, resets every
// slice's citizen data (given by the store, journeyStore.ts).
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { ErrorCode } from '../../../shared/contract/result';
import type { SessionSnapshot, WipeReason } from '../../../shared/contract/schemas';
import type { Language } from '../../../shared/journey/machine';
import type { DraftField } from '../drafts';
import type { CitizenData, JourneyState } from '../journeyStore';
import { accessDefaults } from './accessSlice';
import { sendCall } from './sendCall';

export interface Problem {
  /** Which field (or the card step) the problem belongs to, or 'general'. */
  field: DraftField | 'card' | 'general';
  code: ErrorCode;
  reason?: string;
}

export interface SessionData {
  session: SessionSnapshot | null;
  /** The last refusal to show. */
  problem: Problem | null;
}

export interface SessionSlice extends SessionData {
  /** A call is in flight. Not citizen data: a wipe cannot re-open a call in flight. */
  busy: boolean;
  /** Starts a session; with a language (the welcome screen's two buttons), chooses it at once, so the journey opens at the consent. */
  start(language?: Language): Promise<void>;
  chooseLanguage(language: Language): Promise<void>;
  switchLanguage(): Promise<void>;
  back(): Promise<void>;
  keepAlive(): Promise<void>;
  wipe(reason: WipeReason): Promise<void>;
  /** Forgets everything the screen holds about the citizen, in every slice. */
  resetLocal(): void;
  applySnapshot(session: SessionSnapshot | null): void;
  /** Asks the core where the session stands (after a reconnect) and applies it, unless a newer session showed meanwhile. */
  resync(): Promise<void>;
}

export const sessionCitizenData = (): SessionData => ({ session: null, problem: null });

export const createSessionSlice =
  (client: BoothClient, citizenData: () => CitizenData): StateCreator<JourneyState, [], [], SessionSlice> =>
  (set, get) => {
    /**
     * Sessions this screen has let go (wiped, cancelled, expired): a late answer or event that still carries one (a call
     * that was in flight when the citizen cancelled) must never bring the last citizen back on screen. The ids are random
     * and hold nothing of the citizen; the last few are enough.
     */
    const ended: string[] = [];
    const letGo = (sessionId: string | undefined) => {
      if (sessionId === undefined || ended.includes(sessionId)) return;
      ended.push(sessionId);
      if (ended.length > 16) ended.shift();
    };
    return {
      ...sessionCitizenData(),
      busy: false,

      async start(language) {
        if (get().busy) return;
        // Large text chosen on the welcome screen carries into the session it starts.
        const { largeText } = get();
        get().resetLocal();
        set({ largeText });
        get().setErasedNotice(false);
        await sendCall(set, get, async () => {
          const started = await client.session.start({ language: language ?? 'id' });
          // The booth stopped taking citizens (its vault): the welcome screen says it is out of service.
          if (
            !started.ok &&
            started.error.code === 'OUT_OF_SERVICE' &&
            (started.error.reason === 'VAULT_DISK_LOW' || started.error.reason === 'VAULT_UNAVAILABLE')
          )
            get().setAdmission({ open: false, reason: started.error.reason });
          if (!started.ok || !language) return started;
          // One answer for the screen (the consent), so the language screen never flashes by; should the choice fail, it shows and asks.
          const chosen = await client.session.chooseLanguage({ language });
          return chosen.ok ? chosen : started;
        });
      },
      chooseLanguage: (language) => sendCall(set, get, () => client.session.chooseLanguage({ language })).then(() => undefined),
      async switchLanguage() {
        const current = get().session?.language ?? 'id';
        await sendCall(set, get, () => client.session.setLanguage({ language: current === 'id' ? 'en' : 'id' }));
      },
      back: () => sendCall(set, get, () => client.session.back()).then(() => undefined),

      async keepAlive() {
        if (!get().session) return;
        const result = await client.session.keepAlive();
        if (result.ok) get().applySnapshot(result.value);
        else if (result.error.code === 'NO_SESSION') get().resetLocal();
      },

      async wipe(reason) {
        get().resetLocal();
        // The citizen asked for it (cancel, or finish at the end): the welcome screen confirms the data is gone.
        if (reason === 'cancel' || reason === 'finished') get().setErasedNotice(true);
        await client.session.wipe({ reason });
      },

      // The visit is over: the next citizen also starts with the default screen (issue 11, item 4).
      resetLocal: () => {
        letGo(get().session?.sessionId);
        set({ ...citizenData(), ...accessDefaults() });
      },

      async resync() {
        const asked = get().session?.sessionId ?? null;
        const result = await client.session.get();
        // A session that started while the answer was on its way is newer than the answer ("no session"): keep it.
        if (result.ok && (get().session?.sessionId ?? null) === asked) get().applySnapshot(result.value);
      },

      applySnapshot(session) {
        if (session !== null && ended.includes(session.sessionId)) return;
        if (session === null) get().resetLocal();
        // Referred to the service desk: the screen keeps nothing typed or read, only what the referral screen shows.
        else if (session.step === 'referred') set({ ...citizenData(), session });
        else set({ session });
      },
    };
  };
