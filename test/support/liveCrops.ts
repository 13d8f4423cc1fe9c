// Live face crops as the screen sends them (square JPEGs around the face),
// cut from @vladmandic/face-api's demo group photos (MIT) at the faces a
// person annotated in test/fixtures/face-landmarks.json. Test citizen 0's
// chip photo is cut from the same picture as the face 'sample6-second', and
// citizen 1's from 'sample3-middle': a crop of that face and the chip photo
// are the same person in the same picture (at another size and compression),
// which proves the pipeline, not accuracy.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import fixture from '../fixtures/face-landmarks.json';
import { encodeJpeg } from './testImages';

export type AnnotatedFace = (typeof fixture.faces)[number]['id'];

const pictures = new Map<string, { width: number; height: number; data: Uint8Array }>();

function picture(root: string, file: string) {
  if (!pictures.has(file))
    pictures.set(
      file,
      jpeg.decode(readFileSync(join(resolve(root, fixture.imageDir), file)), { useTArray: true, maxMemoryUsageInMB: 512 }),
    );
  return pictures.get(file)!;
}

/**
 * A size × size JPEG of the annotated face, its square crop shifted by (dx, dy) pixels and grown by `grow`: several crops of
 * one face, as a camera gives a few frames of one moment.
 */
export function liveCrop(
  root: string,
  id: AnnotatedFace,
  options: { size?: number; dx?: number; dy?: number; grow?: number } = {},
): Uint8Array {
  const face = fixture.faces.find((f) => f.id === id);
  if (!face) throw new Error(`No annotated face ${id}.`);
  const image = picture(root, face.image);
  const { size = 320, dx = 0, dy = 0, grow = 1 } = options;
  const side = face.crop.width * grow;
  const x0 = face.crop.x + face.crop.width / 2 - side / 2 + dx;
  const y0 = face.crop.y + face.crop.height / 2 - side / 2 + dy;
  const rgb = new Uint8Array(size * size * 3);
  for (let v = 0; v < size; v++)
    for (let u = 0; u < size; u++) {
      const x = Math.min(image.width - 1, Math.max(0, Math.round(x0 + ((u + 0.5) * side) / size)));
      const y = Math.min(image.height - 1, Math.max(0, Math.round(y0 + ((v + 0.5) * side) / size)));
      for (let c = 0; c < 3; c++) rgb[(v * size + u) * 3 + c] = image.data[(y * image.width + x) * 4 + c]!;
    }
  return encodeJpeg(rgb, size, size, 90);
}

/** Three crops of one face, a little apart, as the capture's best frames. */
export function threeCrops(root: string, id: AnnotatedFace): Uint8Array[] {
  return [liveCrop(root, id), liveCrop(root, id, { dx: 6, dy: -4, grow: 1.05 }), liveCrop(root, id, { dx: -5, dy: 5, grow: 0.95 })];
}

/** A 640 × 480 camera frame of the annotated face (the face about half the frame's height), as the capture's full frame. */
export function liveFrame(root: string, id: AnnotatedFace): Uint8Array {
  const face = fixture.faces.find((f) => f.id === id);
  if (!face) throw new Error(`No annotated face ${id}.`);
  const image = picture(root, face.image);
  const [width, height] = [640, 480];
  const scale = (face.crop.height * 1.4) / height;
  const x0 = face.crop.x + face.crop.width / 2 - (width * scale) / 2;
  const y0 = face.crop.y + face.crop.height / 2 - (height * scale) / 2;
  const rgb = new Uint8Array(width * height * 3);
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      const x = Math.min(image.width - 1, Math.max(0, Math.round(x0 + (u + 0.5) * scale)));
      const y = Math.min(image.height - 1, Math.max(0, Math.round(y0 + (v + 0.5) * scale)));
      for (let c = 0; c < 3; c++) rgb[(v * width + u) * 3 + c] = image.data[(y * image.width + x) * 4 + c]!;
    }
  return encodeJpeg(rgb, width, height, 90);
}
