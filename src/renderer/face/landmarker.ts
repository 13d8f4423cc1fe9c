// MediaPipe's FaceLandmarker, loaded from the booth's own origin: the wasm
// runtime (copied from @mediapipe/tasks-vision at build time) and the
// landmarker bundle the core verified against the model manifest. CPU only:
// for models this small the GPU path costs more in readback than it saves.
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';

export type { FaceLandmarker };

export async function loadFaceLandmarker(wasmBase: string, modelUrl: string): Promise<FaceLandmarker> {
  const base = new URL(wasmBase, document.baseURI).href.replace(/\/$/, '');
  const fileset = await FilesetResolver.forVisionTasks(base);
  return FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: new URL(modelUrl, document.baseURI).href, delegate: 'CPU' },
    runningMode: 'VIDEO',
    // Two, so a second person in view is seen and refused rather than ignored.
    numFaces: 2,
    outputFaceBlendshapes: false,
    outputFacialTransformationMatrixes: false,
    minFaceDetectionConfidence: 0.5,
    minFacePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
  });
}
