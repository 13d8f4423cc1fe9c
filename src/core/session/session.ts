// The citizen's session, held only in memory by the core. It runs the shared
// journey machine, checks every value before the machine sees it, and wipes
// itself after a hard idle expiry in case the screen never asks it to. What
// a step keeps for the session (the chip readout, the face capture) is in
// that step's part (parts.ts), attached by the step's factory.
import { randomBytes } from 'node:crypto';
import type { SessionSnapshot, WipeReason } from '../../shared/contract/schemas';
import { fail, ok, type Failure, type Success } from '../../shared/contract/result';
import { checkEmail, type EmailRejection } from '../../shared/identity/email';
import { checkPhone, type PhoneRejection } from '../../shared/identity/phone';
import {
  initialJourney,
  transition,
  type EditableStep,
  type JourneyEvent,
  type JourneyState,
  type Language,
  type Referral,
  type ReferralReason,
} from '../../shared/journey/machine';
import type { SessionPart, StepFields } from './parts';

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
  /** The journey ended at the service desk (for the log: the reason and the technician's code, never personal data). */
  onReferred?: (referral: Referral) => void;
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

/** The snapshot after a call that moved or refreshed the session. */
export type SessionSnapshotResult = Success<SessionSnapshot>;
/** There is no session to act on. */
export type NoSession = Failure<'NO_SESSION'>;
/** A journey move refused: no session, or not possible at the step the session is at. */
export type JourneyRefusal = NoSession | Failure<'WRONG_STEP'>;
/** What a journey move answers (the contract declares these failures for each method, contract.ts). */
export type SessionResult = SessionSnapshotResult | JourneyRefusal;

/** Every field a snapshot needs from the steps' parts. */
const stepFieldNames: ReadonlyArray<keyof StepFields> = ['cardAttemptsLeft', 'faceAttemptsLeft', 'faceCaptured', 'faceMatchesLeft'];

export class CitizenSession {
  #state: JourneyState | null = null;
  readonly #parts: SessionPart[] = [];
  #sessionId = '';
  #startedAt = 0;
  #consentVersion = '';
  /** When the session expires unless something extends it (clock ms). */
  #expiresAt = 0;
  /** When this session first reached the face step (clock ms); going back and forth does not reset it. */
  #faceSince: number | null = null;
  #expiryTimer: unknown = null;
  readonly #clock: SessionClock;

  constructor(private readonly options: SessionOptions) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Adds a step's part: its fields join the snapshot, it hears of step changes and is wiped with the session. */
  attach(part: SessionPart): void {
    this.#parts.push(part);
  }

  /** A fresh session; any previous one is wiped first. */
  start(language: Language = 'id'): SessionSnapshotResult {
    if (this.#state) this.wipe('cancel');
    this.#sessionId = randomBytes(12).toString('hex');
    this.#startedAt = this.#clock.now();
    this.#state = initialJourney(language);
    return this.#changed();
  }

  snapshot(): SessionSnapshot | null {
    const state = this.#state;
    if (!state) return null;
    const stepFields: Partial<StepFields> = Object.assign({}, ...this.#parts.map((part) => part.snapshot()));
    const missing = stepFieldNames.filter((name) => stepFields[name] === undefined);
    if (missing.length > 0)
      throw new Error(`No session part gives ${missing.join(', ')}: attach the steps' parts before starting a session.`);
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
      ...(stepFields as StepFields),
      referral: state.referral,
      expiresInSec: Math.max(0, Math.round((this.#expiresAt - this.#clock.now()) / 1000)),
    };
  }

  get active(): boolean {
    return this.#state !== null;
  }

  get consentVersion(): string {
    return this.#consentVersion;
  }

  /** When this session started (clock ms), or null without one. */
  get startedAt(): number | null {
    return this.#state ? this.#startedAt : null;
  }

  chooseLanguage(language: Language): SessionResult {
    return this.#apply({ type: 'chooseLanguage', language });
  }

  setLanguage(language: Language): SessionSnapshotResult | NoSession {
    if (!this.#state) return noSession();
    const result = this.#apply({ type: 'setLanguage', language });
    // The machine takes a language change at every step: a refusal is a bug, not an answer.
    if (!result.ok) throw new Error(`The journey machine refused a language change at the ${this.#state.step} step.`);
    return result;
  }

  acceptConsent(consentVersion: string): SessionResult {
    const result = this.#apply({ type: 'acceptConsent' });
    if (result.ok) this.#consentVersion = consentVersion;
    return result;
  }

  submitEmail(input: string): SessionResult | Failure<'INVALID_EMAIL', EmailRejection> {
    const guard = this.#guardStep('email');
    if (guard) return guard;
    const check = checkEmail(input);
    if (!check.valid) return fail('INVALID_EMAIL', `The email address is not valid (${check.reason}).`, { reason: check.reason });
    return this.#apply({ type: 'emailAccepted', email: check.email });
  }

  submitPhone(input: string): SessionResult | Failure<'INVALID_PHONE', PhoneRejection> {
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

  /** A step's own event for the journey machine (a card read and matched, a face verified). */
  advance(event: JourneyEvent): SessionResult {
    return this.#apply(event);
  }

  /**
   * Ends the journey at the service desk: a step's rule says this citizen cannot go on at this booth. The machine accepts each
   * reason only at its own step; the parts hear of the move (stepChanged) and zero what they hold. `code` is for the technician.
   */
  refer(reason: ReferralReason, code?: string): SessionResult {
    const referral: Referral = { reason, ...(code === undefined ? {} : { code }), reference: newReference() };
    const result = this.#apply({ type: 'refer', referral });
    if (result.ok) this.options.onReferred?.(referral);
    return result;
  }

  /** The journey's values as they stand (null: no session), for a step that checks against them. */
  journey(): Readonly<JourneyState> | null {
    return this.#state;
  }

  /** A step's part changed (a challenge issued, a capture kept, an attempt used): tell listeners; it counts as progress. */
  partChanged(): SessionSnapshotResult | NoSession {
    if (!this.#state) return noSession();
    return this.#changed();
  }

  /**
   * Someone is still there (touched the screen, answered the warning, a face
   * in view). At the face step this extends the session only up to the
   * presence cap; the renderer cannot tell the core otherwise.
   */
  keepAlive(): SessionSnapshotResult | NoSession {
    if (!this.#state) return noSession();
    return this.#changed('presence');
  }

  /** Checks that a session exists and sits at `step`; returns the error if not. */
  requireStep(step: JourneyState['step']): JourneyRefusal | null {
    return this.#guardStep(step);
  }

  /** Drops every value of the session. Returns whether there was one. */
  wipe(reason: WipeReason): boolean {
    const had = this.#state !== null;
    this.#state = null;
    this.#sessionId = '';
    this.#consentVersion = '';
    for (const part of this.#parts) part.wipe();
    this.#faceSince = null;
    this.#clearExpiry();
    if (had) {
      this.options.onChange?.(null);
      this.options.onWiped?.(reason);
    }
    return had;
  }

  #guardStep(step: JourneyState['step']): JourneyRefusal | null {
    if (!this.#state) return noSession();
    if (this.#state.step !== step) return fail('WRONG_STEP', `This needs the ${step} step; the session is at ${this.#state.step}.`);
    return null;
  }

  #apply(event: JourneyEvent): SessionResult {
    if (!this.#state) return noSession();
    const next = transition(this.#state, event);
    if (!next.ok) return fail('WRONG_STEP', `"${next.event}" is not possible at the ${next.from} step.`);
    const from = this.#state.step;
    const moved = next.state.step !== from;
    this.#state = next.state;
    if (moved) for (const part of this.#parts) part.stepChanged?.(from, next.state.step);
    if (next.state.step === 'face') this.#faceSince ??= this.#clock.now();
    // Staying on the face step (a language switch) is no progress: it counts as presence.
    return this.#changed(moved ? 'progress' : 'presence');
  }

  /** Notifies listeners and pushes the expiry out: fully for progress, up to the presence cap for presence. */
  #changed(activity: Activity = 'progress'): SessionSnapshotResult {
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

function noSession(): NoSession {
  return fail('NO_SESSION', 'There is no session; start one from the welcome screen.');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 40 random bits as XXXX-XXXX in Crockford base32: short enough to read out at a desk, unique enough for a booth's log. */
export function newReference(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 7; i >= 0; i--) out += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}
