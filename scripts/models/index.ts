// npm run models [-- --check | --update] [--dir <models dir>]
//
// Builds models/face_landmarker.task and face_detector.tflite, copies
// the MediaPipe runtime (runtime.ts) beside them, and converts the face
// embedding network to face_embedding.onnx (faceEmbedding.ts) and the
// detector and the face mesh to face_detector.onnx and face_landmarks.onnx
// (faceDetectorOnnx.ts, faceLandmarksOnnx.ts; all three for the core
// only, listed under "coreFiles"), from installed npm packages only,
// keeping all of them in step with the committed models/manifest.json:
//   (default)  skip if outputs match the manifest and source versions are
//              unchanged; otherwise build, and fail if the result differs
//              from the manifest (a manifest is created if there is none).
//   --update   always build and rewrite the manifest.
//   --check    only verify existing files against the manifest.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFaceModels, type BuiltFile } from './build.js';
import { allManifestFiles, changedSources, checkFiles, formatManifest, manifestEntry, readManifest, type Manifest } from './manifest.js';
import { buildFaceDetectorModel } from './faceDetectorOnnx.js';
import { buildFaceEmbeddingModel } from './faceEmbedding.js';
import { buildFaceLandmarksModel } from './faceLandmarksOnnx.js';
import { buildSelfTestPictures } from './selfTestPictures.js';
import { copyFaceRuntime } from './runtime.js';
import { copyWarmUpPicture } from './warmupPicture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Options {
  check: boolean;
  update: boolean;
  dir: string;
}

/** Parses CLI flags; unknown flags are errors so typos do not silently rebuild. */
export function parseArgs(argv: string[]): Options {
  const options: Options = { check: false, update: false, dir: join(ROOT, 'models') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--update') options.update = true;
    else if (arg === '--dir' && argv[i + 1]) options.dir = resolve(argv[++i] as string);
    else throw new Error(`Unknown argument "${arg}". Usage: npm run models [-- --check | --update] [--dir <dir>]`);
  }
  if (options.check && options.update) throw new Error('--check and --update cannot be combined.');
  return options;
}

/** Runs the CLI; returns the process exit code. */
export function runModels(argv: string[], log: (line: string) => void = console.log): number {
  const options = parseArgs(argv);
  const manifestPath = join(options.dir, 'manifest.json');
  const manifest = readManifest(manifestPath);

  if (options.check) {
    if (!manifest) throw new Error(`${manifestPath} does not exist; run "npm run models" first.`);
    const problems = checkFiles(options.dir, manifest);
    if (problems.length > 0) throw new Error(`Model files do not match ${manifestPath}:\n  ${problems.join('\n  ')}`);
    log(
      `models: ${allManifestFiles(manifest)
        .map((f) => f.name)
        .join(', ')} match the manifest.`,
    );
    return 0;
  }

  if (manifest && !options.update && checkFiles(options.dir, manifest).length === 0 && changedSources(ROOT, manifest).length === 0) {
    log('models: up to date.');
    return 0;
  }

  const started = Date.now();
  const built = buildBoothFiles(ROOT);
  const builtCore = buildCoreFiles(ROOT);
  const entries = built.map(manifestEntry);
  const coreEntries = builtCore.map(manifestEntry);
  for (const [list, recordedList] of [
    [entries, manifest?.files],
    [coreEntries, manifest?.coreFiles],
  ] as const) {
    for (const entry of list) {
      const recorded = recordedList?.find((f) => f.name === entry.name);
      if (manifest && !options.update && recorded?.sha256 !== entry.sha256) {
        const changed = changedSources(ROOT, manifest);
        throw new Error(
          `Built ${entry.name} has sha256 ${entry.sha256} but ${manifestPath} expects ${recorded?.sha256 ?? '(no entry)'}.` +
            (changed.length > 0 ? ` Source packages changed: ${changed.join(', ')}.` : ' The build script or its inputs changed.') +
            ' Check the new model, then run "npm run models -- --update" to accept it.',
        );
      }
    }
  }

  mkdirSync(options.dir, { recursive: true });
  for (const file of [...built, ...builtCore]) writeAtomically(join(options.dir, file.name), file.bytes);
  if (!manifest || options.update) {
    const next: Manifest = { files: entries, coreFiles: coreEntries };
    writeAtomically(manifestPath, new TextEncoder().encode(formatManifest(next)));
    log(`models: wrote ${manifestPath}`);
  }
  for (const entry of [...entries, ...coreEntries]) log(`models: built ${entry.name} (${entry.bytes} bytes, sha256 ${entry.sha256}).`);
  log(`models: done in ${Date.now() - started} ms.`);
  return 0;
}

/** The renderer's files in models/manifest.json ("files"), in its order: the models, the runtime, then the warm-up picture. */
export function buildBoothFiles(root: string): BuiltFile[] {
  return [...buildFaceModels(root), ...copyFaceRuntime(root), ...copyWarmUpPicture(root)];
}

/**
 * The core's models in models/manifest.json ("coreFiles"): the screen's face detector and the face mesh converted from TFLite to
 * ONNX, the face embedding network converted from tfjs to ONNX, and the face matcher's self-test pictures.
 */
export function buildCoreFiles(root: string): BuiltFile[] {
  return [buildFaceDetectorModel(root), buildFaceLandmarksModel(root), buildFaceEmbeddingModel(root), ...buildSelfTestPictures(root)];
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = runModels(process.argv.slice(2));
  } catch (error) {
    console.error(`models: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
