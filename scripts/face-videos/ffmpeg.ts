// Encoding through Debian's ffmpeg: raw RGB frames on stdin, a Y4M file out
// (the format Chromium's --use-file-for-fake-video-capture reads and loops).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { renameSync, rmSync } from 'node:fs';

export const FFMPEG = process.env['BOOTH_FFMPEG'] ?? 'ffmpeg';

/** ffmpeg's version line; throws naming the Debian package when ffmpeg is absent. */
export function ffmpegVersion(): string {
  const run = spawnSync(FFMPEG, ['-hide_banner', '-version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`ffmpeg not found (${FFMPEG}): install the Debian package "ffmpeg" (apt-get install -y ffmpeg) or set BOOTH_FFMPEG.`);
  }
  return run.stdout.split('\n')[0] ?? 'ffmpeg';
}

/**
 * Writes `frames` frames from `frame(i)` (width × height RGB bytes) as a
 * yuv420p Y4M at `fps`. Goes through a temporary file and a rename, so an
 * interrupted run never leaves a truncated video that looks finished, and
 * two test workers making the same (deterministic) file cannot interleave.
 */
export async function encodeY4m(
  path: string,
  width: number,
  height: number,
  fps: number,
  frames: number,
  frame: (i: number) => Uint8Array,
): Promise<void> {
  const tmp = `${path}.${process.pid}.part`;
  const ffmpeg = spawn(
    FFMPEG,
    // bitexact: the same bytes on any CPU (no SIMD-dependent rounding), so the stamp can trust a rerun.
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-r',
      String(fps),
      '-i',
      'pipe:0',
      '-sws_flags',
      'bicubic+accurate_rnd+full_chroma_int+bitexact',
      '-fflags',
      '+bitexact',
      '-flags',
      '+bitexact',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      tmp,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(ffmpeg, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    for (let i = 0; i < frames; i++) {
      if (!ffmpeg.stdin.write(frame(i))) await once(ffmpeg.stdin, 'drain');
    }
    ffmpeg.stdin.end();
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed writing ${path} (${code ?? signal}): ${stderr.trim()}`);
    renameSync(tmp, path);
  } catch (error) {
    ffmpeg.kill('SIGKILL');
    rmSync(tmp, { force: true });
    throw error;
  }
}
