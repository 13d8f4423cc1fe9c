// The face step's loop, one camera frame at a time:
//   briefing  — the core's random challenge is issued and its actions shown in
//               order while the camera warms; its clock has not started
//   position  — once the citizen says they are ready: guidance prompts until
//               every quality measure holds for holdMs
//   starting  — the core starts the challenge's clock
//   challenge — the liveness challenge, judged on every frame (its first
//               moment announced with "Good, the first movement starts now")
//   final     — look straight again; the best frames are kept
//   sending   — JPEGs (the best crops, one picture per action, the full
//               frame) and the challenge trace go to the core, which replays
//               the trace and checks the pictures with its own models
// A failure shows why and, while attempts remain, offers another challenge.
// The core hears of every failure this screen judges (face.attemptFailed)
// and of a camera or model that cannot run (face.reportProblem): it decides
// whether the journey goes on or ends at the service desk.
// Nothing of the face stays in the renderer once the step ends.
import type { Result } from '../../shared/contract/result';
import type { SessionSnapshot } from '../../shared/contract/schemas';
import type {
  FaceAttemptFailedParams,
  FaceCaptureParams,
  ScreenAttemptFailure,
  ScreenFaceProblem,
} from '../../shared/contract/faceSchemas';
import { LivenessJudge, type Challenge, type LivenessAction, type TraceEntry } from '../../shared/face/liveness';
import { PromptDebouncer } from '../../shared/face/prompts';
import { judgeFrame, type GuidancePrompt, type MeasureResult } from '../../shared/face/quality';
import { FrameClock } from '../../shared/face/frameClock';
import type { FaceSetup } from '../../shared/face/settings';
import { openCamera, stopCamera, CameraError } from './camera';
import { ActionPictures, CandidatePool } from './candidates';
import { FrameAnalyzer, type FrameAnalysis } from './frameAnalyzer';
import type { FaceEngine } from './faceEngine';

export type FacePhase =
  'loading' | 'briefing' | 'position' | 'starting' | 'challenge' | 'final' | 'sending' | 'captured' | 'failed' | 'error';

export interface FaceView {
  phase: FacePhase;
  prompt: GuidancePrompt;
  action: LivenessAction | null;
  stepIndex: number;
  steps: number;
  /** The challenge's actions in order (for the briefing), and the time each allows. */
  order: LivenessAction[];
  stepTimeoutMs: number;
  msLeft: number;
  /** The challenge has just begun: its start is announced before the first action's prompt. */
  announcing: boolean;
  /** The step's action is shown, its tone still to come: the citizen holds still. */
  waiting: boolean;
  measures: MeasureResult[];
  /** Why the attempt failed: a liveness failure, a FACE_FAILED reason or a camera problem. */
  failure: string | null;
  attemptsLeft: number;
  faceInView: boolean;
  /** Landmarks + measures time of the last frame, for the technician overlay. */
  frameMs: number;
}

export interface FaceCalls {
  beginChallenge(): Promise<Result<{ challenge: Challenge; attemptsLeft: number }>>;
  startChallenge(params: { challengeId: string }): Promise<Result<unknown>>;
  submitCapture(params: FaceCaptureParams): Promise<Result<SessionSnapshot>>;
  attemptFailed(params: FaceAttemptFailedParams): Promise<Result<SessionSnapshot>>;
  reportProblem(params: { problem: ScreenFaceProblem }): Promise<Result<SessionSnapshot>>;
}

/** The final look-straight phase: at least this long, at most the second. */
const FINAL_MIN_MS = 600;
const FINAL_MAX_MS = 8000;
const EMIT_EVERY_MS = 100;
/** No frame for this long mid-challenge: the camera stalled (the judge only runs on frames). */
const STALL_MS = 1500;
/**
 * "Good, the first movement starts now" shows this long before the first
 * action's prompt, so it can be read (and heard). The judge already runs:
 * a pause before it would push the start past moments the citizen (or a
 * looping test video) was ready for.
 */
const ANNOUNCE_MS = 1000;

export class FaceController {
  #view: FaceView;
  #stream: MediaStream | null = null;
  /** The models are on loan from the page's engine for this step. */
  #borrowed = false;
  #analyzer: FrameAnalyzer | null = null;
  #pool: CandidatePool;
  #actions: ActionPictures;
  #debouncer = new PromptDebouncer<GuidancePrompt>('noFace', { settleMs: 300, minShowMs: 700 });
  #goodSince: number | null = null;
  #challenge: Challenge | null = null;
  #judge: LivenessJudge | null = null;
  #challengeStart = 0;
  #trace: TraceEntry[] = [];
  #finalSince = 0;
  #lastEmit = 0;
  #stopped = false;
  #lastFrameAt = 0;
  /** Frame times from the camera's own timestamps: holds, the challenge and the trace are timed on them. */
  #frameClock = new FrameClock();
  #watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly setup: FaceSetup,
    private readonly calls: FaceCalls,
    private readonly video: HTMLVideoElement,
    private readonly onView: (view: FaceView) => void,
    private readonly onCaptured: (snapshot: SessionSnapshot) => void,
    private readonly engine: FaceEngine,
  ) {
    this.#pool = new CandidatePool(setup.capture.bestFrames, setup.capture.cropSize);
    // The core checks a blink picture only on a face within 0.6 of the turn threshold of frontal: take it from such a face.
    this.#actions = new ActionPictures(setup.capture.cropSize, setup.liveness.turnYawDeg * 0.5);
    this.#view = {
      phase: 'loading',
      prompt: 'noFace',
      action: null,
      stepIndex: 0,
      steps: 0,
      order: [],
      stepTimeoutMs: setup.liveness.stepTimeoutMs,
      msLeft: 0,
      announcing: false,
      waiting: false,
      measures: [],
      failure: null,
      attemptsLeft: setup.attemptsLeft,
      faceInView: false,
      frameMs: 0,
    };
  }

  async start(): Promise<void> {
    // Both are started together; whichever succeeded is released if the other failed.
    // The page's models (loaded and warmed while the booth waited, or now) and the camera, together.
    const [models, stream] = await Promise.allSettled([this.engine.acquire(), openCamera(this.setup.camera)]);
    if (models.status === 'fulfilled') this.#borrowed = true;
    if (stream.status === 'fulfilled') this.#stream = stream.value;
    if (this.#stopped) return this.stop();
    try {
      if (stream.status === 'rejected') throw stream.reason;
      if (models.status === 'rejected') throw models.reason;
      this.#analyzer = new FrameAnalyzer(models.value);
      this.video.srcObject = stream.value;
      await this.video.play();
    } catch (error) {
      const problem: ScreenFaceProblem = error instanceof CameraError ? error.problem : 'MODEL_FAILED';
      this.#set({ phase: 'error', failure: problem }, true);
      this.stop();
      // Nothing more can happen at this booth; the core ends the journey at the service desk.
      void this.calls.reportProblem({ problem });
      return;
    }
    this.#lastFrameAt = performance.now();
    this.#watchdog = setInterval(() => this.#checkStall(), 500);
    this.#schedule();
    void this.#brief();
  }

  /** The citizen read the briefing and is ready: positioning begins (the challenge's clock still waits). */
  ready(): void {
    if (this.#view.phase !== 'briefing') return;
    this.#goodSince = null;
    this.#debouncer.reset('noFace', performance.now());
    this.#set({ phase: 'position', prompt: 'noFace' }, true);
  }

  /** Another challenge after a failed one (uses an attempt), briefed again: its order is new. */
  retry(): void {
    if (this.#view.phase !== 'failed' || this.#view.attemptsLeft === 0) return;
    this.#resetAttempt();
    this.#set({ phase: 'loading', failure: null }, true);
    void this.#brief();
  }

  /**
   * Ends the step: camera off, pictures dropped, the models handed back to the engine with the citizen's frame overwritten. Safe
   * to call twice.
   */
  stop(): void {
    this.#stopped = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
    stopCamera(this.#stream);
    this.#stream = null;
    this.video.srcObject = null;
    this.#pool.clear();
    this.#actions.clear();
    this.#analyzer?.dispose();
    this.#analyzer = null;
    if (this.#borrowed) void this.engine.release();
    this.#borrowed = false;
    this.#trace = [];
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.video.requestVideoFrameCallback((now, metadata) => {
      try {
        const frameAt = this.#frameClock.stamp({ now, captureTime: metadata.captureTime, mediaTime: metadata.mediaTime });
        if (frameAt !== null) this.#frame(frameAt);
      } finally {
        this.#schedule();
      }
      // The once-a-second look for other faces, after the frame's own work.
      setTimeout(() => this.#analyzer?.scanIfDue(performance.now()), 0);
    });
  }

  /** One camera frame, taken at `frameAt` (performance clock, ms). */
  #frame(frameAt: number): void {
    const phase = this.#view.phase;
    if (!this.#analyzer || phase === 'sending' || phase === 'captured' || phase === 'starting' || phase === 'error') return;
    const started = performance.now();
    this.#lastFrameAt = started;
    const analysis = this.#analyzer.analyze(this.video, frameAt);
    const verdict = judgeFrame(analysis.measures, this.setup.quality);
    const frameMs = performance.now() - started;
    const common = { measures: verdict.measures, faceInView: analysis.measures.faces > 0, frameMs };
    if (phase === 'position') this.#position(analysis, verdict.passed, verdict.score, verdict.prompt, frameAt, common);
    else if (phase === 'challenge') this.#challengeFrame(analysis, frameAt, common);
    else if (phase === 'final') this.#finalFrame(analysis, verdict.passed, verdict.score, verdict.prompt, frameAt, common);
    else this.#set(common);
  }

  #position(analysis: FrameAnalysis, passed: boolean, score: number, wanted: GuidancePrompt, now: number, common: Partial<FaceView>): void {
    const prompt = this.#debouncer.update(wanted, now);
    if (passed && analysis.geometry) {
      this.#goodSince ??= now;
      if (now - this.#goodSince >= this.setup.quality.holdMs) {
        this.#set({ ...common, prompt, phase: 'starting' }, true);
        void this.#startChallenge();
        return;
      }
    } else {
      this.#goodSince = null;
    }
    this.#set({ ...common, prompt });
  }

  /** Asks the core for a challenge and shows its actions in order; nothing is timed yet. */
  async #brief(): Promise<void> {
    const result = await this.calls.beginChallenge();
    if (this.#stopped) return;
    if (!result.ok) {
      // Only a transport hiccup is worth another try; anything the core refused ends the step.
      const retryable = result.error.code === 'TIMEOUT' || result.error.code === 'TRANSPORT_CLOSED';
      this.#fail(result.error.reason ?? result.error.code, retryable ? this.#view.attemptsLeft : 0);
      return;
    }
    const { challenge, attemptsLeft } = result.value;
    this.#challenge = challenge;
    const briefing = { order: [...challenge.steps], steps: challenge.steps.length, stepTimeoutMs: challenge.stepTimeoutMs };
    this.#set({ phase: 'briefing', attemptsLeft, stepIndex: 0, action: null, ...briefing }, true);
  }

  /** Positioned: the core starts the challenge's clock and the judge starts with it. */
  async #startChallenge(): Promise<void> {
    const challenge = this.#challenge!;
    const result = await this.calls.startChallenge({ challengeId: challenge.id });
    if (this.#stopped) return;
    if (!result.ok) {
      // The core voided it (issued too long ago) or cannot be asked: this attempt is over either way.
      this.#challenge = null;
      this.#fail(result.error.reason ?? result.error.code);
      return;
    }
    this.#judge = new LivenessJudge(challenge, this.setup.liveness);
    this.#challengeStart = performance.now();
    this.#trace = [];
    const first = { stepIndex: 0, action: challenge.steps[0] ?? null, msLeft: challenge.stepTimeoutMs, waiting: true };
    this.#set({ phase: 'challenge', announcing: true, ...first }, true);
  }

  #challengeFrame(analysis: FrameAnalysis, now: number, common: Partial<FaceView>): void {
    const entry = this.#traceEntry(analysis, now);
    this.#trace.push(entry);
    const before = this.#judge!.state;
    const state = this.#judge!.observe(entry);
    if (state.status === 'failed') {
      this.#failHere(state.reason);
      return;
    }
    // The pictures the core checks the actions on: the clearest frame of each step, kept when the judge completes it.
    if (before.status === 'running') {
      if (!before.waiting && !before.waitingForFrontal && analysis.geometry && entry.faces === 1)
        this.#actions.consider(this.video, analysis.geometry, before.action, entry);
      if (state.done.length > before.done.length) this.#actions.keep(before.action, this.video, analysis.geometry ?? null, entry.t);
    }
    if (state.status === 'passed') {
      this.#finalSince = now;
      this.#pool.clear(); // the kept frames come after the challenge, from the same tracked face
      this.#set({ ...common, phase: 'final', action: null, prompt: 'good', announcing: false }, true);
      return;
    }
    const announcing = state.stepIndex === 0 && entry.t < ANNOUNCE_MS;
    const prompt: GuidancePrompt = analysis.measures.faces === 0 ? 'noFace' : analysis.measures.faces > 1 ? 'oneFace' : 'good';
    this.#set(
      { ...common, prompt, action: state.action, stepIndex: state.stepIndex, msLeft: state.msLeft, announcing, waiting: state.waiting },
      state.stepIndex !== this.#view.stepIndex || announcing !== this.#view.announcing || state.waiting !== this.#view.waiting,
    );
  }

  #finalFrame(
    analysis: FrameAnalysis,
    passed: boolean,
    score: number,
    wanted: GuidancePrompt,
    now: number,
    common: Partial<FaceView>,
  ): void {
    const entry = this.#traceEntry(analysis, now);
    this.#trace.push(entry);
    // The kept pictures come from here: the same face must stay, alone, without a gap.
    const state = this.#judge!.observe(entry);
    if (state.status === 'failed') return this.#failHere(state.reason);
    if (passed && analysis.geometry) this.#pool.offer(this.video, analysis.geometry, score, entry.t);
    const elapsed = now - this.#finalSince;
    if (this.#pool.count >= this.setup.capture.bestFrames && elapsed >= FINAL_MIN_MS) {
      this.#set({ ...common, phase: 'sending' }, true);
      void this.#send();
      return;
    }
    // Fewer good pictures than the booth asks for is no capture: the core would refuse it (it matches every one).
    if (elapsed > FINAL_MAX_MS) return this.#failHere('TIMEOUT');
    this.#set({ ...common, prompt: this.#debouncer.update(wanted, now) });
  }

  async #send(): Promise<void> {
    let params: FaceCaptureParams;
    try {
      const { frames, still } = await this.#pool.encode(this.setup.capture.jpegQuality);
      const actions = await this.#actions.encode(this.setup.capture.jpegQuality);
      params = { challengeId: this.#challenge!.id, trace: this.#trace, frames, actions, still };
    } catch {
      this.#failHere('ENCODING_FAILED');
      return;
    }
    this.#pool.clear();
    this.#actions.clear();
    // Answered: from here the core judges the challenge, and its answer says how the attempt went.
    this.#challenge = null;
    if (this.#stopped) return;
    const result = await this.calls.submitCapture(params);
    // The bytes were sent; the renderer's copies are wiped either way.
    params.frames.forEach((frame) => frame.jpeg.fill(0));
    params.actions.forEach((picture) => picture.jpeg.fill(0));
    params.still.jpeg.fill(0);
    if (this.#stopped) return;
    if (!result.ok) {
      // CHECK_RETRY: the core could not check the pictures this time and gave the attempt back.
      const given = result.error.reason === 'CHECK_RETRY' ? 1 : 0;
      this.#fail((result.error.reason ?? result.error.code).replace(/^LIVENESS_/, ''), this.#view.attemptsLeft + given);
      return;
    }
    this.#set({ phase: 'captured' }, true);
    this.stop();
    this.onCaptured(result.value);
  }

  #traceEntry(analysis: FrameAnalysis, now: number): TraceEntry {
    const g = analysis.geometry;
    const t = Math.max(0, Math.round(now - this.#challengeStart));
    if (!g) return { t, faces: analysis.measures.faces, yawDeg: 0, openness: 0, cx: 0, cy: 0, eyePx: 0 };
    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    return {
      t,
      faces: 1,
      yawDeg: round(Math.max(-90, Math.min(90, g.yawDeg))),
      openness: round(Math.min(2, g.eyeOpenness.mean), 3),
      cx: round(g.box.x + g.box.width / 2, 1),
      cy: round(g.box.y + g.box.height / 2, 1),
      eyePx: round(g.interEyePx, 1),
    };
  }

  /** This screen failed the challenge in play: the core is told first (it voids the challenge and decides what follows). */
  #failHere(reason: ScreenAttemptFailure): void {
    const challenge = this.#challenge;
    this.#challenge = null;
    if (challenge) void this.calls.attemptFailed({ challengeId: challenge.id, reason });
    this.#fail(reason);
  }

  #fail(reason: string, attemptsLeft = this.#view.attemptsLeft): void {
    this.#pool.clear();
    this.#actions.clear();
    this.#trace = [];
    this.#set({ phase: 'failed', failure: reason, action: null, attemptsLeft, faceInView: false }, true);
    // Nothing more can happen at this booth: the camera goes off, so a face in view keeps no session alive.
    if (attemptsLeft === 0) this.stop();
  }

  /** No camera frame for a while during the challenge or the capture: the camera stalled. */
  #checkStall(): void {
    const phase = this.#view.phase;
    if ((phase === 'challenge' || phase === 'final') && performance.now() - this.#lastFrameAt > STALL_MS) this.#failHere('CAMERA_STALLED');
  }

  #resetAttempt(): void {
    this.#goodSince = null;
    this.#challenge = null;
    this.#judge = null;
    this.#trace = [];
    this.#pool.clear();
    this.#actions.clear();
  }

  #set(patch: Partial<FaceView>, force = false): void {
    this.#view = { ...this.#view, ...patch };
    const now = performance.now();
    if (force || now - this.#lastEmit >= EMIT_EVERY_MS) {
      this.#lastEmit = now;
      this.onView(this.#view);
    }
  }
}
