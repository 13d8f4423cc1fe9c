// The citizen's session, held only in memory by the core. It runs the shared
// journey machine, checks every value before the machine sees it, and wipes
// itself after a hard idle expiry in case the screen never asks it to.
import { randomBytes } from 'node:crypto';
import type { SessionSnapshot, WipeReason } from '../../shared/contract/schemas';
import { fail, ok, type BoothError, type Result } from '../../shared/contract/result';
import { checkEmail } from '../../shared/identity/email';
import { checkNik, maskNik } from '../../shared/identity/nik';
import { zeroReadout, type CardReadout } from '../card/ektp/readEktp';
import { checkPhone } from '../../shared/identity/phone';
import { FaceSession } from '../face/faceSession';
import { initialJourney, transition, type EditableStep, type JourneyEvent, type JourneyState, type Language } from '../../shared/journey/machine';

/** Timers behind an interface so tests can drive time. */
export interface SessionClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SessionClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SessionOptions {
  /** Seconds of silence after which the core wipes the session by itself. */
  expirySec: number;
  clock?: SessionClock;
  onChange?: (snapshot: SessionSnapshot | null) => void;
  onWiped?: (reason: WipeReason) => void;
  /** Liveness challenges a session may use (configuration). */
  faceAttempts?: number;
  /**
   * Seconds after the session first reaches the face step beyond which a
   * keep-alive (a face in view, a touch) no longer pushes the expiry out: a
   * poster or the next person in the queue must not hold a citizen's session
   * open. Only the step's own progress (a new challenge, a capture), bounded
   * by its attempts, still extends it. Unset: no cap.
   */
  presenceCapSec?: number;
}

/** What a call that refreshes the expiry stands for: progress of the journey, or only someone being there. */
type Activity = 'progress' | 'presence';

export type SessionResult = Result<SessionSnapshot>;

/** Card reads whose NIK may differ from the typed one before the card step ends. */
export const CARD_ATTEMPTS = 3;

export class CitizenSession {
  #state: JourneyState | null = null;
  /** The whole chip readout (photo included) for the face match; never in a snapshot. */
  #readout: CardReadout | null = null;
  #cardAttemptsLeft = CARD_ATTEMPTS;
  /** Challenge, attempts and the accepted capture of the face step. */
  readonly face: FaceSession;
  #sessionId = '';
  #consentVersion = '';
  /** When the session expires unless something extends it (clock ms). */
  #expiresAt = 0;
  /** When this session first reached the face step (clock ms); going back and forth does not reset it. */
  #faceSince: number | null = null;
  #expiryTimer: unknown = null;
  readonly #clock: SessionClock;

  constructor(private readonly options: SessionOptions) {
    this.#clock = options.clock ?? systemClock;
    this.face = new FaceSession(options.faceAttempts ?? 3);
  }

  /** A fresh session; any previous one is wiped first. */
  start(language: Language = 'id'): SessionResult {
    if (this.#state) this.wipe('cancel');
    this.#sessionId = randomBytes(12).toString('hex');
    this.#state = initialJourney(language);
    return this.#changed();
  }

  snapshot(): SessionSnapshot | null {
    const state = this.#state;
    if (!state) return null;
    return {
      sessionId: this.#sessionId,
      step: state.step,
      language: state.language,
      consentAccepted: state.consentAccepted,
      nik: state.nik,
      email: state.email,
      phone: state.phone,
      returnToReview: state.returnToReview,
      chip: state.chip,
      cardAttemptsLeft: this.#cardAttemptsLeft,
      faceAttemptsLeft: this.face.attemptsLeft,
      faceCaptured: this.face.capture !== null,
      expiresInSec: Math.max(0, Math.round((this.#expiresAt - this.#clock.now()) / 1000)),
    };
  }

  get active(): boolean {
    return this.#state !== null;
  }

  get consentVersion(): string {
    return this.#consentVersion;
  }

  chooseLanguage(language: Language): SessionResult {
    return this.#apply({ type: 'chooseLanguage', language });
  }

  setLanguage(language: Language): SessionResult {
    return this.#apply({ type: 'setLanguage', language });
  }

  acceptConsent(consentVersion: string): SessionResult {
    const result = this.#apply({ type: 'acceptConsent' });
    if (result.ok) this.#consentVersion = consentVersion;
    return result;
  }

  submitNik(input: string): SessionResult {
    const guard = this.#guardStep('nik');
    if (guard) return guard;
    const check = checkNik(input);
    if (!check.valid) return fail('INVALID_NIK', `The NIK is not valid (${check.reason}).`, { reason: check.reason });
    return this.#apply({ type: 'nikAccepted', nik: input });
  }

  submitEmail(input: string): SessionResult {
    const guard = this.#guardStep('email');
    if (guard) return guard;
    const check = checkEmail(input);
    if (!check.valid) return fail('INVALID_EMAIL', `The email address is not valid (${check.reason}).`, { reason: check.reason });
    return this.#apply({ type: 'emailAccepted', email: check.email });
  }

  submitPhone(input: string): SessionResult {
    const guard = this.#guardStep('phone');
    if (guard) return guard;
    const check = checkPhone(input);
    if (!check.valid) return fail('INVALID_PHONE', `The phone number is not valid (${check.reason}).`, { reason: check.reason });
    return this.#apply({ type: 'phoneAccepted', phone: check.e164 });
  }

  edit(field: EditableStep): SessionResult {
    return this.#apply({ type: 'edit', field });
  }

  back(): SessionResult {
    return this.#apply({ type: 'back' });
  }

  confirmReview(): SessionResult {
    return this.#apply({ type: 'confirmReview' });
  }

  /**
   * Takes a chip readout: it must carry the NIK the citizen typed. A mismatch
   * uses up one of the card attempts; the last one ends the journey's card step.
   */
  acceptCardReadout(readout: CardReadout): SessionResult {
    const guard = this.#guardStep('card');
    if (guard) return guard;
    if (readout.nik !== this.#state!.nik) {
      zeroReadout(readout);
      this.#cardAttemptsLeft = Math.max(0, this.#cardAttemptsLeft - 1);
      const final = this.#cardAttemptsLeft === 0;
      this.#changed();
      return fail('CARD_FAILED', 'The NIK on the e-KTP is not the NIK that was typed.', { reason: final ? 'NIK_MISMATCH_FINAL' : 'NIK_MISMATCH' });
    }
    this.#readout = readout;
    return this.#apply({ type: 'cardRead', chip: { name: readout.biodata.name, nikMasked: maskNik(readout.nik) } });
  }

  confirmCard(): SessionResult {
    return this.#apply({ type: 'cardConfirmed' });
  }

  /** The readout kept for the face step (null before a matched read). */
  get cardReadout(): CardReadout | null {
    return this.#readout;
  }

  /** Tells listeners the face step changed (a challenge issued, a capture kept). */
  faceChanged(): SessionResult {
    if (!this.#state) return noSession();
    return this.#changed();
  }

  /**
   * Someone is still there (touched the screen, answered the warning, a face
   * in view). At the face step this extends the session only up to the
   * presence cap; the renderer cannot tell the core otherwise.
   */
  keepAlive(): SessionResult {
    if (!this.#state) return noSession();
    return this.#changed('presence');
  }

  /** Checks that a session exists and sits at `step`; returns the error if not. */
  requireStep(step: JourneyState['step']): { ok: false; error: BoothError } | null {
    return this.#guardStep(step);
  }

  /** Drops every value of the session. Returns whether there was one. */
  wipe(reason: WipeReason): boolean {
    const had = this.#state !== null;
    this.#state = null;
    this.#sessionId = '';
    this.#consentVersion = '';
    zeroReadout(this.#readout);
    this.#readout = null;
    this.#cardAttemptsLeft = CARD_ATTEMPTS;
    this.#faceSince = null;
    this.face.wipe();
    this.#clearExpiry();
    if (had) {
      this.options.onChange?.(null);
      this.options.onWiped?.(reason);
    }
    return had;
  }

  #guardStep(step: JourneyState['step']): { ok: false; error: BoothError } | null {
    if (!this.#state) return noSession();
    if (this.#state.step !== step) return fail('WRONG_STEP', `This needs the ${step} step; the session is at ${this.#state.step}.`);
    return null;
  }

  #apply(event: JourneyEvent): SessionResult {
    if (!this.#state) return noSession();
    const next = transition(this.#state, event);
    if (!next.ok) return fail('WRONG_STEP', `"${next.event}" is not possible at the ${next.from} step.`);
    if (next.state.step !== 'card' && this.#state.step === 'card' && next.state.step !== 'face') {
      zeroReadout(this.#readout); // went back: the card is read again later
      this.#readout = null;
    }
    const moved = next.state.step !== this.#state.step;
    this.#state = next.state;
    if (next.state.step === 'face') this.#faceSince ??= this.#clock.now();
    // Staying on the face step (a language switch) is no progress: it counts as presence.
    return this.#changed(moved ? 'progress' : 'presence');
  }

  /** Notifies listeners and pushes the expiry out: fully for progress, up to the presence cap for presence. */
  #changed(activity: Activity = 'progress'): SessionResult {
    const now = this.#clock.now();
    let expiresAt = now + this.options.expirySec * 1000;
    const cap = this.#presenceCapAt();
    // Presence never shortens what progress granted, and never reaches past the cap.
    if (activity === 'presence' && cap !== null) expiresAt = Math.max(this.#expiresAt, Math.min(expiresAt, cap));
    this.#expiresAt = expiresAt;
    this.#clearExpiry();
    this.#expiryTimer = this.#clock.setTimeout(() => this.wipe('expired'), Math.max(0, expiresAt - now));
    const snapshot = this.snapshot()!;
    this.options.onChange?.(snapshot);
    return ok(snapshot);
  }

  /** The latest time presence may keep the face step open (null: no cap applies here). */
  #presenceCapAt(): number | null {
    const capSec = this.options.presenceCapSec;
    if (capSec === undefined || this.#state?.step !== 'face' || this.#faceSince === null) return null;
    return this.#faceSince + capSec * 1000;
  }

  #clearExpiry() {
    if (this.#expiryTimer !== null) this.#clock.clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
  }
}

function noSession() {
  return fail('NO_SESSION', 'There is no session; start one from the welcome screen.');
}
