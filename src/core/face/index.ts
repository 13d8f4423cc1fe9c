// The face capability: the face step (settings for the renderer, random
// liveness challenges, the capture checked by replaying its trace), its
// share of the session, and the models the renderer runs, verified.
export { createFaceStep, type FaceStep, type FaceStepOptions } from './faceStep';
export { FaceSession, type CapturedImage, type FaceCapture } from './faceSession';
export {
  DETECTOR_FILE,
  describeFaceFile,
  LANDMARKER_FILE,
  modelManifest,
  servableModelFiles,
  verifyModels,
  type FaceFileKind,
  type ModelManifest,
  type ModelProblem,
  type VerifiedModels,
} from './models';
