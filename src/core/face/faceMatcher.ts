// The core's face matcher: owns the face-match worker (onnxruntime-node off
// the event loop), runs the known-answer self-test at start, and matches a
// chip photo against the live crops. Every outcome is a value the face step
// turns into the citizen's next screen; nothing here throws for an expected
// failure (a picture without a face, a worker that crashed or hung).
import { createWorkerClient, type WorkerClient, type WorkerFailure } from '../workers';
import type { Logger } from '../logging';
import type { VerifiedModels } from './models';
import type { MatchSettings } from '../../shared/face/settings';
import type { FaceMatchApi, FaceMatchWorkerData } from './faceMatchApi';
import type { FaceFound, PictureAnalysis, PictureInput, PictureRefusal } from './faceEngine';
import { decideMatch, largestSpread, type MatchVerdict } from './matching';
import { judgeSelfTest, selfTestPictures, type SelfTestReport } from './selfTest';
import { modelManifest } from './models';

import { DETECTOR_ONNX, EMBEDDING_ONNX, LANDMARKS_ONNX } from './modelFiles';
import { judgeActionPictures, type ActionVerdict, type PictureLook } from './actionEvidence';
import type { LivenessAction } from '../../shared/face/liveness';
/** Detections below this are not faces: MediaPipe's own threshold for the short-range model. */
const MIN_DETECTION_SCORE = 0.5;

export type MatcherState =
  | { state: 'starting' }
  | { state: 'ready'; selfTest: SelfTestReport; sessionCreateMs: number }
  | {
      state: 'out-of-service';
      reason: 'MODEL_MISSING' | 'MODEL_TAMPERED' | 'SELF_TEST_FAILED' | 'WORKER_FAILED';
      message: string;
      selfTest?: SelfTestReport;
    };

/** What the booth records of a capture's pictures (no picture, no embedding). */
export type CaptureEvidence = Extract<ActionVerdict, { ok: true }> & { ms: number };

export type CaptureCheckOutcome =
  | { kind: 'shown'; evidence: CaptureEvidence }
  /** The pictures do not show the actions, or not one person, or a crop holds no usable face. */
  | { kind: 'refused'; reason: 'ACTION_NOT_SHOWN' | 'NOT_ONE_PERSON' | 'BAD_IMAGE'; message: string }
  | { kind: 'retry'; reason: WorkerFailure['reason']; message: string }
  | { kind: 'out-of-service'; message: string };

/** What the booth records of a verification (no picture, no embedding). */
export interface MatchEvidence extends MatchVerdict {
  models: { detector: string; embedding: string };
  chip: { width: number; height: number; eyeDistance: number; detectionScore: number };
  crops: { eyeDistance: number; detectionScore: number }[];
  /** Largest distance between two live pictures (the crops and, when given, the full frame). */
  cropSpread: number;
  ms: { total: number; worker: number };
}

export type VerifyOutcome =
  | { kind: 'decided'; evidence: MatchEvidence }
  /** The chip photo cannot be matched (no face, two faces, undecodable): only the desk can help. */
  | { kind: 'chip-unusable'; reason: PictureRefusal; message: string }
  /** A live crop cannot be matched, or the crops show two people: a new capture. */
  | { kind: 'live-unusable'; reason: PictureRefusal | 'TWO_PEOPLE'; message: string }
  /** The worker failed this time (crashed, hung): the citizen may try again. */
  | { kind: 'retry'; reason: WorkerFailure['reason']; message: string }
  /** Matching cannot run on this booth now. */
  | { kind: 'out-of-service'; message: string };

export interface FaceMatcherOptions {
  /** The core's models as checked against the manifest's coreFiles (verifyCoreModels). */
  models: VerifiedModels;
  settings: MatchSettings;
  logger: Logger;
  /** Tests only: make the worker crash or stall. */
  faults?: FaceMatchWorkerData['faults'];
}

export interface FaceMatcher {
  readonly status: MatcherState;
  /** Resolves once the self-test has run (at once when out of service). */
  ready(): Promise<MatcherState>;
  /** The chip photo against the live crops; the full frame (`still`), when given, must show the one same person too. */
  verify(params: { chip: PictureInput; crops: PictureInput[]; still?: PictureInput }): Promise<VerifyOutcome>;
  /**
   * A capture's look-straight crops and action pictures, measured with the face mesh: each action picture must show its action
   * and all must be one person (actionEvidence.ts).
   */
  checkCapture(params: {
    crops: PictureInput[];
    actions: Array<{ action: LivenessAction; picture: PictureInput }>;
    still: PictureInput;
    turnYawDeg: number;
  }): Promise<CaptureCheckOutcome>;
  /** The worker's last reported RSS, bytes (0 before the first analysis). */
  readonly workerRssBytes: number;
  stop(): Promise<void>;
}

export function createFaceMatcher({ models, settings, logger, faults }: FaceMatcherOptions): FaceMatcher {
  const hashes = {
    detector: modelManifest.coreFiles.find((f) => f.name === DETECTOR_ONNX)?.sha256 ?? 'unknown',
    embedding: modelManifest.coreFiles.find((f) => f.name === EMBEDDING_ONNX)?.sha256 ?? 'unknown',
  };
  let status: MatcherState = { state: 'starting' };
  let rss = 0;
  let client: WorkerClient<FaceMatchApi> | null = null;

  if (!models.ok) {
    const tampered = models.problems.some((p) => p.problem === 'tampered');
    status = {
      state: 'out-of-service',
      reason: tampered ? 'MODEL_TAMPERED' : 'MODEL_MISSING',
      message: models.problems.map((p) => p.message).join(' '),
    };
  } else {
    const detector = models.files.get(DETECTOR_ONNX);
    const embedding = models.files.get(EMBEDDING_ONNX);
    const landmarks = models.files.get(LANDMARKS_ONNX);
    if (!detector || !embedding || !landmarks) {
      status = {
        state: 'out-of-service',
        reason: 'MODEL_MISSING',
        message: `${DETECTOR_ONNX}, ${EMBEDDING_ONNX} and ${LANDMARKS_ONNX} are all needed.`,
      };
    } else {
      const workerData: FaceMatchWorkerData = {
        models: { detector, embedding, landmarks },
        threads: settings.threads,
        minDetectionScore: MIN_DETECTION_SCORE,
        faults,
      };
      client = createWorkerClient<FaceMatchApi>({
        name: 'face-match',
        entry: new URL('./faceMatch.worker.ts', import.meta.url),
        timeoutMs: settings.timeoutMs,
        workerData,
        // onnxruntime's own memory is outside the V8 heap; the cap bounds what the pipeline allocates in JavaScript.
        resourceLimits: { maxOldGenerationSizeMb: 256 },
        onNotice: (event, message) => logger.warn({ event }, message),
      });
    }
  }

  const started = performance.now();
  const readiness: Promise<MatcherState> = client && models.ok ? runSelfTest(client, models.files) : Promise.resolve(status);
  if (status.state === 'out-of-service') logger.error({ event: 'face.match_unavailable', reason: status.reason }, status.message);

  async function runSelfTest(worker: WorkerClient<FaceMatchApi>, files: ReadonlyMap<string, Uint8Array>): Promise<MatcherState> {
    const load = await worker.call('load', {}, { timeoutMs: 60_000 });
    if (!load.ok) return outOfService('WORKER_FAILED', `The face-match worker could not start: ${load.message}`);
    let pictures;
    try {
      pictures = selfTestPictures(files);
    } catch (error) {
      return outOfService('SELF_TEST_FAILED', (error as Error).message);
    }
    const answer = await worker.call('analyse', { pictures: pictures.map((p) => p.picture), purpose: 'self-test' }, { timeoutMs: 60_000 });
    if (!answer.ok) return outOfService('WORKER_FAILED', `The face-match worker failed its self-test run: ${answer.message}`);
    rss = answer.value.rssBytes;
    const report = judgeSelfTest(answer.value.results, settings.threshold);
    if (!report.ok) return outOfService('SELF_TEST_FAILED', report.message, report);
    status = { state: 'ready', selfTest: report, sessionCreateMs: load.value.ms };
    logger.info(
      {
        event: 'face.self_test_passed',
        checks: report.checks.length,
        sessionCreateMs: Math.round(load.value.ms),
        ms: Math.round(performance.now() - started),
      },
      'face matcher ready: known-answer self-test passed',
    );
    return status;
  }

  function outOfService(reason: 'SELF_TEST_FAILED' | 'WORKER_FAILED', message: string, selfTest?: SelfTestReport): MatcherState {
    status = { state: 'out-of-service', reason, message, selfTest };
    logger.error({ event: 'face.self_test_failed', reason, checks: selfTest?.checks.filter((c) => !c.ok) }, message);
    return status;
  }

  async function verify({
    chip,
    crops,
    still,
  }: {
    chip: PictureInput;
    crops: PictureInput[];
    still?: PictureInput;
  }): Promise<VerifyOutcome> {
    const worker = await usable();
    if (!('call' in worker)) return worker;
    const t0 = performance.now();
    const answer = await worker.call('analyse', { pictures: [chip, ...crops, ...(still ? [still] : [])], purpose: 'verify' });
    if (!answer.ok) {
      if (answer.reason === 'UNAVAILABLE' || answer.reason === 'STOPPED') return { kind: 'out-of-service', message: answer.message };
      return { kind: 'retry', reason: answer.reason, message: answer.message };
    }
    rss = answer.value.rssBytes;
    const [chipResult, ...liveResults] = answer.value.results as [PictureAnalysis, ...PictureAnalysis[]];
    if (!chipResult.ok) return { kind: 'chip-unusable', reason: chipResult.reason, message: `The chip photo: ${chipResult.message}` };
    const refused = liveResults.findIndex((r) => !r.ok);
    if (refused >= 0) {
      const r = liveResults[refused] as Extract<PictureAnalysis, { ok: false }>;
      const which = refused < crops.length ? `Live crop ${refused}` : 'The full frame';
      return { kind: 'live-unusable', reason: r.reason, message: `${which}: ${r.message}` };
    }
    const live = liveResults as FaceFound[];
    const found = live.slice(0, crops.length);
    const embeddings = found.map((r) => r.embedding);
    // The crops and the full frame must all be one person: pictures of two people are refused, not matched.
    const spread = largestSpread(live.map((r) => r.embedding));
    if (spread > settings.threshold)
      return { kind: 'live-unusable', reason: 'TWO_PEOPLE', message: `The live pictures are ${spread.toFixed(2)} apart: not one person.` };
    const verdict = decideMatch(chipResult.embedding, embeddings, settings.threshold);
    // The embeddings have served: zero them rather than leave them to the garbage collector.
    for (const e of [chipResult.embedding, ...live.map((r) => r.embedding)]) e.fill(0);
    const total = performance.now() - t0;
    return {
      kind: 'decided',
      evidence: {
        ...verdict,
        models: hashes,
        chip: {
          width: chipResult.width,
          height: chipResult.height,
          eyeDistance: chipResult.eyeDistance,
          detectionScore: chipResult.detectionScore,
        },
        crops: found.map((r) => ({ eyeDistance: r.eyeDistance, detectionScore: r.detectionScore })),
        cropSpread: spread,
        ms: { total, worker: [chipResult, ...live].reduce((s, r) => s + r.ms.decode + r.ms.detect + r.ms.embed, 0) },
      },
    };
  }

  /** The worker, once the self-test passed; otherwise why not. */
  async function usable(): Promise<WorkerClient<FaceMatchApi> | { kind: 'out-of-service'; message: string }> {
    const state = await readiness;
    if (state.state !== 'ready' || !client)
      return { kind: 'out-of-service', message: state.state === 'out-of-service' ? state.message : 'not ready' };
    if (client.state === 'unavailable') {
      status = { state: 'out-of-service', reason: 'WORKER_FAILED', message: 'The face-match worker crashed too often and was given up.' };
      return { kind: 'out-of-service', message: status.message };
    }
    return client;
  }

  async function checkCapture({
    crops,
    actions,
    still,
    turnYawDeg,
  }: {
    crops: PictureInput[];
    actions: Array<{ action: LivenessAction; picture: PictureInput }>;
    still: PictureInput;
    turnYawDeg: number;
  }): Promise<CaptureCheckOutcome> {
    const worker = await usable();
    if (!('call' in worker)) return worker;
    const t0 = performance.now();
    const pictures = [...crops, ...actions.map((a) => a.picture), still];
    const answer = await worker.call('analyse', { pictures, purpose: 'evidence', mesh: true });
    if (!answer.ok) {
      if (answer.reason === 'UNAVAILABLE' || answer.reason === 'STOPPED') return { kind: 'out-of-service', message: answer.message };
      return { kind: 'retry', reason: answer.reason, message: answer.message };
    }
    rss = answer.value.rssBytes;
    const results = answer.value.results;
    try {
      return judgeLooks(results);
    } finally {
      // The embeddings have served: zero them rather than leave them to the garbage collector.
      for (const result of results) if (result.ok) result.embedding.fill(0);
    }

    function judgeLooks(results: PictureAnalysis[]): CaptureCheckOutcome {
      const looks: PictureLook[] = [];
      for (const [i, result] of results.entries()) {
        const action = actions[i - crops.length]?.action;
        const what = i < crops.length ? `Crop ${i}` : action ? `Action picture ${i - crops.length} (${action})` : 'The full frame';
        if (!result.ok) {
          const reason = result.reason === 'MANY_FACES' ? 'NOT_ONE_PERSON' : action ? 'ACTION_NOT_SHOWN' : 'BAD_IMAGE';
          return { kind: 'refused', reason, message: `${what}: ${result.message}` };
        }
        if (!result.mesh) return { kind: 'retry', reason: 'HANDLER_FAILED', message: `${what} was not measured by the face mesh.` };
        looks.push({ yawDeg: result.mesh.geometry.yawDeg, openness: result.mesh.geometry.eyeOpenness.mean, embedding: result.embedding });
      }
      const verdict = judgeActionPictures(
        looks.slice(0, crops.length),
        actions.map((a, i) => ({ action: a.action, look: looks[crops.length + i]! })),
        { turnYawDeg, threshold: settings.threshold },
        looks.at(-1),
      );
      if (!verdict.ok) return { kind: 'refused', reason: verdict.reason, message: verdict.message };
      return { kind: 'shown', evidence: { ...verdict, ms: performance.now() - t0 } };
    }
  }

  return {
    get status() {
      return status;
    },
    get workerRssBytes() {
      return rss;
    },
    ready: () => readiness,
    verify,
    checkCapture,
    stop: async () => {
      await client?.stop();
    },
  };
}
