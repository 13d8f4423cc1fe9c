// Makes the fake-camera videos for the booth's face-capture tests (Chromium
// --use-file-for-fake-video-capture=FILE.y4m, which loops the file) from the
// demo pictures of @vladmandic/face-api (MIT): no network. Frames are built
// in Node (scripts/face-videos/) and encoded by Debian's ffmpeg as 640 × 480,
// 15 fps, yuv420p Y4M. Deterministic; a stamp (hash of the inputs and this
// code) skips the work when the outputs are already there.
// Run: npx tsx scripts/make-face-videos.ts [outDir]   (default test-results/face-videos)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeY4m, ffmpegVersion } from './face-videos/ffmpeg';
import { FPS, HEIGHT, WIDTH } from './face-videos/face';
import { decodeJpeg } from './face-videos/raster';
import { scenes, videoNames, type VideoName } from './face-videos/scenes';

export { videoNames, type VideoName };

const require = createRequire(import.meta.url);
const PKG = '@vladmandic/face-api';
const SOURCES = { single: 'demo/sample6.jpg', pair: 'demo/sample3.jpg' } as const;
const STAMP = 'stamp.json';

export const defaultFaceVideoDir = resolve(import.meta.dirname, '../test-results/face-videos');

interface Stamp {
  inputs: string;
  files: Record<string, { bytes: number; frames: number }>;
}

/** Hash of everything the videos depend on: the pictures, this code, ffmpeg's version. */
function inputsHash(): string {
  const hash = createHash('sha256');
  hash.update(ffmpegVersion());
  hash.update(`${WIDTH}x${HEIGHT}@${FPS}`);
  for (const file of Object.values(SOURCES)) hash.update(readFileSync(require.resolve(`${PKG}/${file}`)));
  const codeDir = resolve(import.meta.dirname, 'face-videos');
  const code = [
    fileURLToPath(import.meta.url),
    ...readdirSync(codeDir)
      .sort()
      .map((name) => join(codeDir, name)),
  ];
  for (const file of code) hash.update(readFileSync(file));
  return hash.digest('hex');
}

function videoPath(outDir: string, name: VideoName): string {
  return join(outDir, `${name}.y4m`);
}

function upToDate(outDir: string, inputs: string): boolean {
  const stampPath = join(outDir, STAMP);
  if (!existsSync(stampPath)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp;
    return (
      stamp.inputs === inputs &&
      videoNames.every((name) => {
        const path = videoPath(outDir, name);
        return existsSync(path) && statSync(path).size === stamp.files[name]?.bytes;
      })
    );
  } catch {
    return false;
  }
}

/** Makes (or reuses) the videos in outDir; returns each video's .y4m path. */
export async function makeFaceVideos(
  outDir: string = defaultFaceVideoDir,
  log: (line: string) => void = () => undefined,
): Promise<Record<VideoName, string>> {
  const dir = resolve(outDir);
  const paths = Object.fromEntries(videoNames.map((name) => [name, videoPath(dir, name)])) as Record<VideoName, string>;
  const inputs = inputsHash();
  if (upToDate(dir, inputs)) {
    log(`face videos up to date in ${dir}`);
    return paths;
  }
  mkdirSync(dir, { recursive: true });
  const all = scenes({
    single: decodeJpeg(require.resolve(`${PKG}/${SOURCES.single}`)),
    pair: decodeJpeg(require.resolve(`${PKG}/${SOURCES.pair}`)),
  });
  const stamp: Stamp = { inputs, files: {} };
  for (const name of videoNames) {
    const started = performance.now();
    const scene = all[name];
    await encodeY4m(paths[name], WIDTH, HEIGHT, FPS, scene.frames, (i) => scene.frame(i));
    stamp.files[name] = { bytes: statSync(paths[name]).size, frames: scene.frames };
    log(`${name}: ${scene.frames} frames, ${Math.round(performance.now() - started)} ms`);
  }
  const stampTmp = join(dir, `${STAMP}.${process.pid}.part`);
  writeFileSync(stampTmp, `${JSON.stringify(stamp, null, 2)}\n`);
  renameSync(stampTmp, join(dir, STAMP));
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const outDir = resolve(process.argv[2] ?? defaultFaceVideoDir);
  try {
    const paths = await makeFaceVideos(outDir, (line) => console.log(line));
    console.log(`${Object.keys(paths).length} videos in ${outDir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
