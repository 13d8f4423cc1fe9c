// MediaPipe's FaceLandmarker and FaceDetector, loaded from the booth's own
// origin: the wasm runtime (copied from @mediapipe/tasks-vision at build
// time) and the models the core verified against the model manifest. CPU
// only: for models this small the GPU path costs more in readback than it
// saves.
import { FaceDetector, FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import { VideoTimeline } from '../../shared/face/videoTimeline';

export type { FaceDetector, FaceLandmarker };

export interface FaceModels {
  landmarker: FaceLandmarker;
  detector: FaceDetector;
  /** Each task's video timestamps: the models outlive a face step, and frame times from a new camera may start earlier. */
  landmarkerTime: VideoTimeline;
  detectorTime: VideoTimeline;
}

export async function loadFaceModels(wasmBase: string, modelUrl: string, detectorUrl: string): Promise<FaceModels> {
  const url = (path: string) => new URL(path, document.baseURI).href;
  const fileset = await FilesetResolver.forVisionTasks(url(wasmBase).replace(/\/$/, ''));
  const [landmarker, detector] = await Promise.allSettled([
    FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: url(modelUrl), delegate: 'CPU' },
      runningMode: 'VIDEO',
      // One tracked face: the landmarker then runs its detector only when it
      // loses the face. Other people are found by the detector's own scan.
      numFaces: 1,
      outputFaceBlendshapes: false,
      outputFacialTransformationMatrixes: false,
      minFaceDetectionConfidence: 0.5,
      minFacePresenceConfidence: 0.5,
      minTrackingConfidence: 0.5,
    }),
    FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: url(detectorUrl), delegate: 'CPU' },
      runningMode: 'VIDEO',
      minDetectionConfidence: 0.6,
    }),
  ]);
  if (landmarker.status === 'rejected' || detector.status === 'rejected') {
    // Release the one that loaded.
    if (landmarker.status === 'fulfilled') landmarker.value.close();
    if (detector.status === 'fulfilled') detector.value.close();
    throw landmarker.status === 'rejected' ? landmarker.reason : (detector as PromiseRejectedResult).reason;
  }
  return { landmarker: landmarker.value, detector: detector.value, landmarkerTime: new VideoTimeline(), detectorTime: new VideoTimeline() };
}
