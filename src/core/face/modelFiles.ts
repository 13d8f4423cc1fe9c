// The core's model files by name, as models/manifest.json lists them under
// coreFiles: scripts/models writes them, the face matcher loads them.
export const DETECTOR_ONNX = 'face_detector.onnx';
export const LANDMARKS_ONNX = 'face_landmarks.onnx';
export const EMBEDDING_ONNX = 'face_embedding.onnx';
