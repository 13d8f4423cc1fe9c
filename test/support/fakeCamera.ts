// A fake camera for Chromium: the face videos made by
// scripts/make-face-videos.ts, played (and looped) by Chromium's fake capture
// device, with the permission prompt auto-accepted.
import { defaultFaceVideoDir, makeFaceVideos, type VideoName } from '../../scripts/make-face-videos';

export { type VideoName };

/** Chromium flags that make getUserMedia() return the given .y4m file as the camera. */
export function fakeCameraArgs(y4mPath: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`];
}

/** Makes the face videos if they are missing or stale (a no-op when up to date); returns each video's path. */
export async function ensureFaceVideos(outDir: string = defaultFaceVideoDir): Promise<Record<VideoName, string>> {
  return makeFaceVideos(outDir);
}
