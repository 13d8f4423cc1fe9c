// The face capability: the face step (settings for the renderer, random
// liveness challenges, the capture checked by replaying its trace, the
// match to the chip photo), its share of the session, the face matcher (a
// worker running onnxruntime-node, self-tested at start), and the models
// the renderer and the core run, verified.
export { createFaceStep, type FaceStep, type FaceStepOptions } from './faceStep';
export { FaceSession, type CapturedImage, type FaceCapture } from './faceSession';
export {
  createFaceMatcher,
  type FaceMatcher,
  type FaceMatcherOptions,
  type MatchEvidence,
  type MatcherState,
  type VerifyOutcome,
} from './faceMatcher';
export { type SelfTestReport } from './selfTest';
export {
  DETECTOR_FILE,
  describeFaceFile,
  LANDMARKER_FILE,
  modelManifest,
  servableModelFiles,
  verifyCoreModels,
  verifyModels,
  type FaceFileKind,
  type ModelManifest,
  type ModelProblem,
  type VerifiedModels,
} from './models';
