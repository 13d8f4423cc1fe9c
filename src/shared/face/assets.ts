// The face step's files on the booth's own origin: what models/manifest.json
// lists and the core verifies before serving (src/core/face/models.ts), and
// where the renderer loads them from.

/** The landmarker bundle the renderer loads (detector + 478-point landmarks). */
export const LANDMARKER_FILE = 'face_landmarker.task';
/** The same detector alone, for the renderer's periodic scan for a second face. */
export const DETECTOR_FILE = 'face_detector.tflite';

/** The folder of the MediaPipe runtime (wasm and loader), relative to the page. */
export const FACE_WASM_BASE = 'models/';
export const FACE_MODEL_URL = `models/${LANDMARKER_FILE}`;
export const FACE_DETECTOR_URL = `models/${DETECTOR_FILE}`;

/**
 * The picture MediaPipe is warmed with before a citizen reaches the face
 * step (src/renderer/face/faceEngine.ts). `sourceFile` is where the models
 * build copies it from (@vladmandic/face-api, MIT); `face` is one face in
 * it, in the picture's own pixels, a 3:4 box from brow-top to chin.
 */
export const WARMUP_PICTURE = {
  file: 'warmup-face.jpg',
  sourceFile: 'demo/sample3.jpg',
  face: { x: 972, y: 86, width: 456, height: 608 },
} as const;
export const FACE_WARMUP_PICTURE_URL = `models/${WARMUP_PICTURE.file}`;
