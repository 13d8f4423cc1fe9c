// Writes src/core/face/selfTestExpected.json: the embeddings the face
// pipeline gives for the self-test's pictures with the models in models/,
// the known answers the booth checks itself against at every start. Run it
// after "npm run models" changes face_detector.onnx or face_embedding.onnx,
// look at the distances it prints, and commit the file with the models.
// Run: npx tsx scripts/face-selftest-expected.ts
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFaceEngine } from '../src/core/face/faceEngine';
import { DETECTOR_ONNX, EMBEDDING_ONNX } from '../src/core/face/modelFiles';
import { euclidean } from '../src/core/face/matching';
import { modelManifest, verifyCoreModels } from '../src/core/face/models';
import { selfTestPictures } from '../src/core/face/selfTest';

const root = resolve(import.meta.dirname, '..');
const models = verifyCoreModels(join(root, 'models'), modelManifest);
if (!models.ok) throw new Error(models.problems.map((p) => p.message).join('\n'));
const engine = await createFaceEngine(
  { detector: models.files.get(DETECTOR_ONNX)!, embedding: models.files.get(EMBEDDING_ONNX)! },
  { threads: 1, minDetectionScore: 0.5 },
);
const pictures = [];
const embeddings: Float32Array[] = [];
for (const { id, picture } of selfTestPictures(models.files)) {
  const result = await engine.analyse(picture);
  if (!result.ok) throw new Error(`${id}: ${result.reason}: ${result.message}`);
  embeddings.push(result.embedding);
  pictures.push({ id, embedding: Array.from(result.embedding, (v) => Number(v.toFixed(7))) });
}
await engine.release();
const hash = (name: string) => modelManifest.coreFiles.find((f) => f.name === name)!.sha256;
const file = join(root, 'src/core/face/selfTestExpected.json');
writeFileSync(file, `${JSON.stringify({ models: { detector: hash(DETECTOR_ONNX), embedding: hash(EMBEDDING_ONNX) }, pictures })}\n`);
console.log(`wrote ${file}`);
console.log(
  `citizen 0 JPEG vs JPEG 2000: ${euclidean(embeddings[0]!, embeddings[1]!).toFixed(3)}; citizen 0 vs 1: ${euclidean(embeddings[0]!, embeddings[2]!).toFixed(3)}`,
);
