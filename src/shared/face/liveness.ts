// Active liveness: the core issues a random challenge (each step one of:
// close the eyes for a moment, turn left, turn right; repeats allowed, 27
// sequences of 3), the renderer feeds every frame's landmarks-derived
// observation to this judge, and the core replays the same trace through the
// same judge before it accepts a capture. A printed photo or a still screen
// never turns or closes its eyes (NO_MOTION / TIMEOUT); a replayed video
// made for another sequence turns the wrong way (WRONG_DIRECTION), does
// another action than the one asked (WRONG_ACTION) or runs out of time; a
// face that leaves, multiplies or jumps mid-challenge ends it (ISO/IEC
// 30107-3 calls all of these presentation attacks). The eyes must stay shut
// for blinkMinClosedMs: a spontaneous blink is shorter, so a recording that
// blinks all the time answers no "close your eyes" step, and a deliberate
// closure during a turn step is the wrong action.
//
// Each step: the next action is shown and said (instructMs), the citizen
// holds still for a random pause (one of pausesMs), then a tone: the action
// must be reached within stepTimeoutMs of it (eyes shut, or the head past
// the turn threshold). Moving before the tone fails (EARLY). The pauses lie
// at least stepTimeoutMs apart, so a recorded response fits one of them
// only: with 3 pauses a fixed recording answers 1 challenge in 27 × 27.
import { z } from 'zod';

export const livenessActions = ['blink', 'turnLeft', 'turnRight'] as const;
export type LivenessAction = (typeof livenessActions)[number];

/** The most actions a challenge may ask for. */
export const MAX_CHALLENGE_STEPS = 6;

export const livenessSettingsSchema = z
  .object({
    /** How many actions a challenge asks for, each drawn from every kind (repeats allowed: 3 kinds, 3 steps = 27 sequences). */
    steps: z.int().min(1).max(MAX_CHALLENGE_STEPS).default(3),
    /**
     * From the tone, the time to reach the action: the eyes shut, or the head
     * past turnYawDeg (it then completes: held for holdMs, or the eyes opened
     * again). 3 s: the action was shown and said before the tone, so only
     * starting it is left; short, so that a recorded response fits one pause.
     */
    stepTimeoutMs: z.int().min(1000).max(30_000).default(3000),
    /** Before each tone the next action is shown and said, the citizen holding still, for this long. */
    instructMs: z.int().min(0).max(10_000).default(2500),
    /**
     * Then one of these pauses, drawn at random for each step, so that the
     * tone comes at a moment a recording cannot know. They must lie at least
     * stepTimeoutMs apart, or one recorded response could answer two.
     */
    pausesMs: z.array(z.int().min(0).max(15_000)).min(1).max(6).default([0, 3000, 6000]),
    /** A turn counts from this yaw (degrees) on, held for `holdMs` (seen on two frames in a row at least). */
    turnYawDeg: z.number().min(8).max(45).default(18),
    holdMs: z.int().min(0).max(2000).default(120),
    /** Back to looking straight: the next action waits for |yaw| under this. */
    frontalYawDeg: z.number().min(2).max(20).default(10),
    /**
     * Eyes count as closed below `blinkClosedShare` of the citizen's own open
     * level, and never above this openness. The depth asked is relative, not
     * absolute: at 10 frames a second the deepest moment may fall between
     * two frames.
     */
    blinkClosedOpenness: z.number().min(0.02).max(0.4).default(0.2),
    blinkClosedShare: z.number().min(0.1).max(0.9).default(0.6),
    /**
     * The "close your eyes" action: shut at least this long. A spontaneous
     * blink lasts 100–400 ms (longer in some older people), so it is never
     * taken for the action, and a recording that blinks all the time answers
     * no such step; a closure this long during a turn is the wrong action.
     */
    blinkMinClosedMs: z.int().min(300).max(2000).default(600),
    /** A closure longer than this is not the action (eyes kept shut, or a face asleep). */
    maxBlinkMs: z.int().min(600).max(10_000).default(3000),
    /** The face may vanish this long (a missed detection) before the challenge fails. */
    maxFaceLostMs: z.int().min(0).max(3000).default(700),
    /** Challenges per session before the citizen is sent to the service desk. */
    attempts: z.int().min(1).max(10).default(3),
    /** Fixed order for automated tests and demos only; a production booth leaves it unset (random). */
    fixedOrder: z.array(z.enum(livenessActions)).min(1).max(MAX_CHALLENGE_STEPS).optional(),
  })
  .strict()
  .refine((s) => s.maxBlinkMs > s.blinkMinClosedMs, { message: 'maxBlinkMs must be longer than blinkMinClosedMs', path: ['maxBlinkMs'] })
  .refine(
    (s) => {
      const sorted = [...s.pausesMs].sort((a, b) => a - b);
      return sorted.every((pause, i) => i === 0 || pause - sorted[i - 1]! >= s.stepTimeoutMs);
    },
    { message: 'pausesMs must lie at least stepTimeoutMs apart, or one recorded response could answer two of them', path: ['pausesMs'] },
  );
export type LivenessSettings = z.output<typeof livenessSettingsSchema>;

/** One frame as the judge sees it. */
export const traceEntrySchema = z
  .object({
    /** Milliseconds since the challenge started on screen. */
    t: z.number().min(0).max(600_000),
    faces: z.int().min(0).max(10),
    yawDeg: z.number().min(-90).max(90),
    openness: z.number().min(0).max(2),
    /** Face centre in pixels of the camera frame. */
    cx: z.number().min(-10_000).max(10_000),
    cy: z.number().min(-10_000).max(10_000),
    /** Inter-eye distance in pixels: the scale for movement. */
    eyePx: z.number().min(0).max(10_000),
  })
  .strict();
export type TraceEntry = z.infer<typeof traceEntrySchema>;

export const livenessFailures = [
  'TIMEOUT',
  'NO_MOTION',
  'WRONG_DIRECTION',
  'FACE_LOST',
  'MULTIPLE_FACES',
  'FACE_JUMP',
  'CAMERA_STALLED',
  'BAD_TRACE',
  'TOO_FAST',
  'WRONG_ACTION',
  'EARLY',
] as const;
export type LivenessFailure = (typeof livenessFailures)[number];

export const stepEvidenceSchema = z
  .object({
    action: z.enum(livenessActions),
    startedMs: z.number(),
    completedMs: z.number(),
    /** Peak yaw (turns) or lowest openness (blink) reached. */
    peak: z.number(),
    /** How clearly the action was done: 1 is just at the threshold. */
    score: z.number(),
  })
  .strict();
export type StepEvidence = z.infer<typeof stepEvidenceSchema>;

export interface Challenge {
  id: string;
  steps: LivenessAction[];
  /** From each step's tone, the time to reach its action. */
  stepTimeoutMs: number;
  /** Per step, from the end of the one before (or the start): how long until its tone (instruction plus random pause); 0 when absent. */
  waitsMs?: number[];
}

export type LivenessState =
  | {
      status: 'running';
      stepIndex: number;
      action: LivenessAction;
      /** Before the step's tone: the action is shown, the citizen holds still. */
      waiting: boolean;
      waitingForFrontal: boolean;
      msLeft: number;
      done: StepEvidence[];
    }
  | { status: 'passed'; done: StepEvidence[] }
  | { status: 'failed'; reason: LivenessFailure; stepIndex: number; done: StepEvidence[] };

/**
 * No person finishes an action sooner than this after its tone: a reaction,
 * then eyes shut or a turn held for holdMs. A trace that does is invented,
 * not filmed (TOO_FAST).
 */
export const MIN_STEP_MS = 250;
/**
 * The open level is the recent maximum openness, forgetting this share per
 * 33 ms (one frame at 30 fps) while the eyes are open and frontal, this
 * share while the face comes back to frontal. Per millisecond of the frames'
 * own timestamps, not per frame: a slow loop must not remember longer.
 */
const OPEN_LEVEL_KEEP = { open: 0.98, returning: 0.9, perMs: 1000 / 30 };
/**
 * The open level before any frame: typical open eyes on this measure (0.3–0.4). Without it a challenge that starts as
 * the eyes close would take the closing eyes for open ones and never see them shut (the first frames set the level).
 * It fades within a few hundred milliseconds to the citizen's own level.
 */
const OPEN_LEVEL_PRIOR = 0.3;
/** A gap without frames longer than this means the camera stalled. */
const MAX_FRAME_GAP_MS = 1500;
/** Below these per-step changes nothing moved at all: a still image. */
const STILL_EPSILON = { centrePx: 1, yaw: 0.4, openness: 0.01 };

export class LivenessJudge {
  #state: LivenessState;
  #stepStart = 0;
  #last: TraceEntry | null = null;
  /** The last frame with exactly one face, for the jump check. */
  #lastFace: TraceEntry | null = null;
  #lostSince: number | null = null;
  #multiSince: number | null = null;
  #openLevel = OPEN_LEVEL_PRIOR;
  #closedSince: number | null = null;
  #minOpenness = Infinity;
  /** In a "close your eyes" step: since when the head is turned past the turn threshold (the wrong action once held). */
  #turnedSince: number | null = null;
  #reachedSince: number | null = null;
  /** The step's tone (trace time); null while it is still to come. */
  #goAt: number | null = null;
  #peak = 0;
  #range = { cxMin: Infinity, cxMax: -Infinity, yawMin: Infinity, yawMax: -Infinity, openMin: Infinity, openMax: -Infinity };

  constructor(
    private readonly challenge: Challenge,
    private readonly settings: LivenessSettings,
  ) {
    this.#state = this.#running(0, []);
  }

  get state(): LivenessState {
    return this.#state;
  }

  /**
   * Feeds one frame (in time order) and returns the state after it. Once the
   * challenge is passed, later frames (the final look-straight phase, whose
   * pictures are kept) are still checked for continuity: the same single
   * face, no gap, time moving forward.
   */
  observe(entry: TraceEntry): LivenessState {
    const state = this.#state;
    if (state.status === 'failed') return state;
    const last = this.#last;
    const sinceLast = last ? entry.t - last.t : 0;
    if (last && (entry.t < last.t || entry.t - last.t > MAX_FRAME_GAP_MS))
      return this.#fail(entry.t < last.t ? 'BAD_TRACE' : 'CAMERA_STALLED');
    this.#last = entry;
    if (state.status === 'running') {
      const expired = this.#expired(entry.t);
      if (expired) return this.#fail(expired);
    }

    if (entry.faces === 0) {
      this.#lostSince ??= entry.t;
      if (entry.t - this.#lostSince > this.settings.maxFaceLostMs) return this.#fail('FACE_LOST');
      return this.#update(entry.t);
    }
    this.#lostSince = null;
    if (entry.faces > 1) {
      this.#multiSince ??= entry.t;
      if (entry.t - this.#multiSince >= 150) return this.#fail('MULTIPLE_FACES');
      return this.#update(entry.t);
    }
    this.#multiSince = null;
    // Against the last frame that showed one face: a missed detection in between must not hide a swap.
    if (this.#lastFace && jumped(this.#lastFace, entry)) return this.#fail('FACE_JUMP');
    this.#lastFace = entry;
    if (state.status === 'passed') return state;
    this.#track(entry);

    const s = this.settings;
    if (state.waitingForFrontal) {
      if (Math.abs(entry.yawDeg) <= s.frontalYawDeg) this.#state = { ...state, waitingForFrontal: false };
      if (Math.abs(entry.yawDeg) <= s.frontalYawDeg)
        this.#openLevel = Math.max(this.#openLevel * keep(OPEN_LEVEL_KEEP.returning, sinceLast), entry.openness);
      return this.#update(entry.t);
    }
    if (this.#goAt === null) {
      // The tone sounds on the first frame at its time, the face looking straight: the step's clock and stillness start there.
      if (entry.t - this.#stepStart < this.#waitMs()) return this.#pause(entry, sinceLast);
      this.#goAt = entry.t;
      this.#turnedSince = null;
      this.#closedSince = null;
      this.#resetRange();
      this.#track(entry);
      return this.#update(entry.t);
    }
    switch (state.action) {
      case 'turnLeft':
      case 'turnRight':
        return this.#turn(entry, state.action === 'turnLeft' ? 1 : -1, sinceLast);
      case 'blink':
        return this.#blink(entry, sinceLast);
    }
  }

  /** Ends the challenge at `t` if it is still running (the trace stopped). */
  finish(t: number): LivenessState {
    if (this.#state.status === 'running') this.#fail(this.#expired(t) ?? 'TIMEOUT');
    return this.#state;
  }

  /** This step's wait before its tone. */
  #waitMs(): number {
    const state = this.#state;
    return state.status === 'running' ? (this.challenge.waitsMs?.[state.stepIndex] ?? 0) : 0;
  }

  /**
   * Why the step in play has run out at `t`, or null. Before the tone: the face never came back to frontal. After it: the
   * action was not reached within stepTimeoutMs (a reach begun in time may still complete: a turn held, eyes opening).
   */
  #expired(t: number): 'NO_MOTION' | 'TIMEOUT' | null {
    const limit = this.challenge.stepTimeoutMs;
    if (this.#goAt === null) return t - this.#stepStart > this.#waitMs() + limit ? 'TIMEOUT' : null;
    const deadline = this.#goAt + limit;
    if (t <= deadline) return null;
    const state = this.#state;
    const reachedAt = state.status === 'running' && state.action === 'blink' ? this.#closedSince : this.#reachedSince;
    if (reachedAt !== null && reachedAt <= deadline && t <= deadline + this.settings.maxBlinkMs + this.settings.holdMs) return null;
    return this.#stillThroughout() ? 'NO_MOTION' : 'TIMEOUT';
  }

  /** Before the tone: holding still. A turn held or the eyes shut for a moment now is the action done too soon (EARLY). */
  #pause(entry: TraceEntry, sinceLast: number): LivenessState {
    const s = this.settings;
    if (Math.abs(entry.yawDeg) >= s.turnYawDeg) {
      this.#turnedSince ??= entry.t;
      if (entry.t - this.#turnedSince >= s.holdMs) return this.#fail('EARLY');
    } else {
      this.#turnedSince = null;
    }
    if (this.#eyesShutTooLong(entry, sinceLast)) return this.#fail('EARLY');
    return this.#update(entry.t);
  }

  /**
   * A turn held for holdMs. Each frame stands for the time since the one
   * before it (up to half the hold), so at 10 frames a second two frames in a
   * row past the threshold show a hold that 30 frames a second would need
   * four frames for, and one frame alone never does.
   */
  #turn(entry: TraceEntry, sign: 1 | -1, sinceLast: number): LivenessState {
    if (this.#eyesShutTooLong(entry, sinceLast)) return this.#fail('WRONG_ACTION');
    const yaw = entry.yawDeg * sign;
    const s = this.settings;
    if (yaw <= -s.turnYawDeg) return this.#fail('WRONG_DIRECTION');
    if (yaw >= s.turnYawDeg) {
      this.#reachedSince ??= entry.t;
      this.#peak = Math.max(this.#peak, yaw);
      const held = entry.t - this.#reachedSince;
      if (held > 0 && held + Math.min(sinceLast, s.holdMs / 2) >= s.holdMs)
        return this.#complete(entry.t, this.#peak * sign, this.#peak / s.turnYawDeg);
    } else {
      this.#reachedSince = null;
    }
    return this.#update(entry.t);
  }

  /** "Close your eyes for a moment": shut blinkMinClosedMs to maxBlinkMs, then open again; a turn held meanwhile is the wrong action. */
  #blink(entry: TraceEntry, sinceLast: number): LivenessState {
    const s = this.settings;
    // Openness is only trusted on a roughly frontal face; a turn held that far is another action than the one asked.
    if (Math.abs(entry.yawDeg) > s.turnYawDeg) {
      this.#turnedSince ??= entry.t;
      if (entry.t - this.#turnedSince >= s.holdMs) return this.#fail('WRONG_ACTION');
      return this.#update(entry.t);
    }
    this.#turnedSince = null;
    const closedBelow = this.#closedBelow();
    if (entry.openness < closedBelow) {
      this.#closedSince ??= entry.t;
      this.#minOpenness = Math.min(this.#minOpenness, entry.openness);
      return this.#update(entry.t);
    }
    const reopened = entry.openness >= (closedBelow + this.#openLevel) / 2;
    if (this.#closedSince !== null && reopened) {
      const closedMs = entry.t - this.#closedSince;
      this.#closedSince = null;
      // Shorter: a spontaneous blink, not the action; longer: not the action either. The citizen may still do it.
      if (closedMs >= s.blinkMinClosedMs && closedMs <= s.maxBlinkMs) {
        const depth = this.#openLevel > 0 ? 1 - this.#minOpenness / this.#openLevel : 0;
        return this.#complete(entry.t, this.#minOpenness, depth / (1 - s.blinkClosedShare));
      }
      this.#minOpenness = Infinity;
    }
    if (this.#closedSince === null) this.#openLevel = Math.max(this.#openLevel * keep(OPEN_LEVEL_KEEP.open, sinceLast), entry.openness);
    return this.#update(entry.t);
  }

  /** Below this openness the eyes are shut: a share of the citizen's own open level, never above blinkClosedOpenness. */
  #closedBelow(): number {
    return Math.min(this.settings.blinkClosedOpenness, this.settings.blinkClosedShare * this.#openLevel);
  }

  /**
   * During a turn step, eyes shut for blinkMinClosedMs on a face not turned past the threshold are the "close your eyes"
   * action, not the one asked: true then. Spontaneous blinks are shorter and pass unnoticed.
   */
  #eyesShutTooLong(entry: TraceEntry, sinceLast: number): boolean {
    const s = this.settings;
    if (Math.abs(entry.yawDeg) > s.turnYawDeg) {
      this.#closedSince = null;
      return false;
    }
    if (entry.openness < this.#closedBelow()) {
      this.#closedSince ??= entry.t;
      return entry.t - this.#closedSince >= s.blinkMinClosedMs;
    }
    this.#closedSince = null;
    if (Math.abs(entry.yawDeg) <= s.frontalYawDeg)
      this.#openLevel = Math.max(this.#openLevel * keep(OPEN_LEVEL_KEEP.open, sinceLast), entry.openness);
    return false;
  }

  #complete(t: number, peak: number, score: number): LivenessState {
    const state = this.#state as Extract<LivenessState, { status: 'running' }>;
    const goAt = this.#goAt ?? this.#stepStart;
    if (t - goAt < MIN_STEP_MS) return this.#fail('TOO_FAST');
    const done = [
      ...state.done,
      { action: state.action, startedMs: round(goAt), completedMs: round(t), peak: round(peak, 3), score: round(score, 3) },
    ];
    this.#stepStart = t;
    this.#goAt = null;
    this.#reachedSince = null;
    this.#closedSince = null;
    this.#turnedSince = null;
    this.#minOpenness = Infinity;
    this.#peak = 0;
    this.#resetRange();
    const next = state.stepIndex + 1;
    this.#state = next >= this.challenge.steps.length ? { status: 'passed', done } : this.#running(next, done);
    return this.#state;
  }

  #running(stepIndex: number, done: StepEvidence[]): Extract<LivenessState, { status: 'running' }> {
    return {
      status: 'running',
      stepIndex,
      action: this.challenge.steps[stepIndex]!,
      waiting: true,
      waitingForFrontal: true,
      msLeft: this.challenge.stepTimeoutMs,
      done,
    };
  }

  #update(t: number): LivenessState {
    const state = this.#state;
    if (state.status === 'running') {
      const goAt = this.#goAt;
      const msLeft = goAt === null ? this.challenge.stepTimeoutMs : Math.max(0, goAt + this.challenge.stepTimeoutMs - t);
      this.#state = { ...state, waiting: goAt === null, msLeft };
    }
    return this.#state;
  }

  #fail(reason: LivenessFailure): LivenessState {
    const state = this.#state;
    const stepIndex = state.status === 'running' ? state.stepIndex : this.challenge.steps.length;
    this.#state = { status: 'failed', reason, stepIndex, done: state.done };
    return this.#state;
  }

  #track(entry: TraceEntry): void {
    const r = this.#range;
    r.cxMin = Math.min(r.cxMin, entry.cx);
    r.cxMax = Math.max(r.cxMax, entry.cx);
    r.yawMin = Math.min(r.yawMin, entry.yawDeg);
    r.yawMax = Math.max(r.yawMax, entry.yawDeg);
    r.openMin = Math.min(r.openMin, entry.openness);
    r.openMax = Math.max(r.openMax, entry.openness);
  }

  #resetRange(): void {
    this.#range = { cxMin: Infinity, cxMax: -Infinity, yawMin: Infinity, yawMax: -Infinity, openMin: Infinity, openMax: -Infinity };
  }

  #stillThroughout(): boolean {
    const r = this.#range;
    if (r.cxMin === Infinity) return false;
    return (
      r.cxMax - r.cxMin < STILL_EPSILON.centrePx &&
      r.yawMax - r.yawMin < STILL_EPSILON.yaw &&
      r.openMax - r.openMin < STILL_EPSILON.openness
    );
  }
}

/** Replays a whole trace, frames after the pass included: what the core does before it accepts a capture. */
export function judgeTrace(challenge: Challenge, settings: LivenessSettings, trace: readonly TraceEntry[]): LivenessState {
  const judge = new LivenessJudge(challenge, settings);
  for (const entry of trace) {
    const state = judge.observe(entry);
    if (state.status === 'failed') return state;
  }
  return judge.finish(trace.at(-1)?.t ?? 0);
}

/**
 * Draws a challenge: `random(n)` returns an integer in [0, n) (crypto-backed in the core). Each step is any action, repeats
 * allowed (3 kinds, 3 steps: 27 sequences), and its tone comes after the instruction and one of the pauses (3 pauses, 3
 * steps: 27 timings). A fixed recording answers one sequence at one timing: 1 challenge in 729.
 */
export function drawChallenge(id: string, settings: LivenessSettings, random: (n: number) => number): Required<Challenge> {
  const steps = settings.fixedOrder
    ? [...settings.fixedOrder]
    : Array.from({ length: settings.steps }, () => livenessActions[random(livenessActions.length)]!);
  const waitsMs = steps.map(() => settings.instructMs + settings.pausesMs[random(settings.pausesMs.length)]!);
  return { id, steps, stepTimeoutMs: settings.stepTimeoutMs, waitsMs };
}

/** The longest a challenge can take on the screen: every wait, every reach window and the longest completion. */
export function challengeMaxMs(challenge: Challenge, settings: LivenessSettings): number {
  const waits = (challenge.waitsMs ?? []).reduce((sum, wait) => sum + wait, 0);
  return waits + challenge.steps.length * (2 * challenge.stepTimeoutMs + settings.maxBlinkMs + settings.holdMs);
}

/** The share of the open level kept after `ms` of frames, for a share `perFrame` kept per 30 fps frame. */
function keep(perFrame: number, ms: number): number {
  return perFrame ** (Math.max(0, ms) / OPEN_LEVEL_KEEP.perMs);
}

/** A face that moved more than this many inter-eye distances between frames was swapped, not moved. */
function jumped(a: TraceEntry, b: TraceEntry): boolean {
  const scale = Math.max(a.eyePx, 1);
  const moved = Math.hypot(b.cx - a.cx, b.cy - a.cy);
  const resized = Math.abs(b.eyePx - a.eyePx) / scale;
  return moved > 2.5 * scale || resized > 0.5;
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
