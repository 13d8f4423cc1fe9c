// Reads frames of the project's fake-camera videos (YUV 4:2:0 Y4M, as
// scripts/make-face-videos.ts writes them) back into RGB, for tests that
// look at the same pixels the camera gave the screen.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Y4mVideo {
  width: number;
  height: number;
  frames: number;
  /** Frame `index` as RGB bytes (BT.601, full range as ffmpeg wrote it). */
  rgb(index: number): Uint8Array;
  close(): void;
}

export function openY4m(path: string): Y4mVideo {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(256);
  readSync(fd, head, 0, head.length, 0);
  const end = head.indexOf(10);
  const header = head.subarray(0, end).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)?.[1]);
  const height = Number(/ H(\d+)/.exec(header)?.[1]);
  if (!header.startsWith('YUV4MPEG2') || !width || !height || (/ C(\S+)/.exec(header)?.[1] ?? '420').slice(0, 3) !== '420')
    throw new Error(`${path} is not a 4:2:0 Y4M video (${header}).`);
  const frameBytes = (width * height * 3) / 2;
  const stride = frameBytes + 'FRAME\n'.length;
  const frames = Math.floor((fstatSync(fd).size - end - 1) / stride);
  const frame = Buffer.alloc(frameBytes);
  return {
    width,
    height,
    frames,
    rgb(index) {
      readSync(fd, frame, 0, frameBytes, end + 1 + index * stride + 'FRAME\n'.length);
      const rgb = new Uint8Array(width * height * 3);
      const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const Y = frame[y * width + x]!;
          const chroma = (y >> 1) * (width >> 1) + (x >> 1);
          const U = frame[width * height + chroma]! - 128;
          const V = frame[(width * height * 5) / 4 + chroma]! - 128;
          const o = (y * width + x) * 3;
          rgb[o] = clamp(Y + 1.402 * V);
          rgb[o + 1] = clamp(Y - 0.344 * U - 0.714 * V);
          rgb[o + 2] = clamp(Y + 1.772 * U);
        }
      return rgb;
    },
    close: () => closeSync(fd),
  };
}
