// A fake camera for Chromium: the face videos made by
// scripts/make-face-videos.ts, played (and looped) by Chromium's fake capture
// device, with the permission prompt auto-accepted.
import { defaultFaceVideoDir, makeFaceVideos, type VideoName } from '../../scripts/make-face-videos';
import type { LivenessAction } from '../../src/shared/face/liveness';

export { type VideoName };

/** Chromium flags that make getUserMedia() return the given .y4m file as the camera. */
export function fakeCameraArgs(y4mPath: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`];
}

/** Makes the face videos if they are missing or stale (a no-op when up to date); returns each video's path. */
export async function ensureFaceVideos(outDir: string = defaultFaceVideoDir): Promise<Record<VideoName, string>> {
  return makeFaceVideos(outDir);
}

/**
 * The liveness settings the looping liveness video answers: its one order, every tone at once (no instruction, no pause),
 * and 11 s to reach each action (a busy machine plays the 7.7 s loop slower, and a loop that misses one closure must see
 * the next). A production booth draws the order and the pauses at random and gives 3 s.
 */
export function livenessVideoSettings(): { fixedOrder: LivenessAction[]; instructMs: number; pausesMs: number[]; stepTimeoutMs: number } {
  return { fixedOrder: ['blink', 'turnLeft', 'turnRight'], instructMs: 0, pausesMs: [0], stepTimeoutMs: 11_000 };
}
