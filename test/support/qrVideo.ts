// A fake-camera video of a QR code (what a phone held up to a camera shows,
// minus the hand): each frame is the code black on white, `modulePx`
// pixels a module, centred on a grey background, as a YUV 4:2:0 Y4M that
// Chromium's fake capture device plays in a loop. Written to a temporary
// name and renamed, so a browser opening the camera never reads half a file.
import { renameSync, writeFileSync } from 'node:fs';
import { qrSymbol, type QrOptions } from '../../src/shared/signoff/qrSymbol';
import QRCode from 'qrcode';
import { qrSegments } from '../../src/shared/signoff/qrSymbol';

export function writeQrVideo(
  path: string,
  text: string,
  options: QrOptions & { width?: number; height?: number; modulePx?: number; frames?: number } = { errorCorrection: 'Q', maxVersion: 10 },
): void {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  qrSymbol(text, options);
  const { modules } = QRCode.create(qrSegments(text), { errorCorrectionLevel: options.errorCorrection });
  const size = modules.size;
  const modulePx = options.modulePx ?? Math.floor(Math.min(width, height) / (size + 10));
  const quiet = 4 * modulePx;
  const side = size * modulePx + 2 * quiet;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 150);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const mx = Math.floor((x - quiet) / modulePx);
      const my = Math.floor((y - quiet) / modulePx);
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && modules.data[my * size + mx] === 1;
      luma[(top + y) * width + left + x] = dark ? 16 : 235;
    }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([header, ...Array.from({ length: options.frames ?? 15 }, () => frame)]));
  renameSync(temporary, path);
}
