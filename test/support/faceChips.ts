// Aligned 150×150 face chips for the embedding model, made from real
// pictures: the faces of @vladmandic/face-api's demo group photos that a
// person annotated (test/fixtures/face-landmarks.json), and the chip photos
// of the synthetic test citizens (src/core/card/emulator/testPhotos.generated.ts),
// which scripts/make-card-photos.ts cut from the same demo photos. Alignment
// here is a similarity transform that puts the two annotated eye centres at
// fixed spots: enough for a conversion test and a sanity check, not the
// booth's own detector and alignment (issue 12, item 3).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { testPhotos } from '../../src/core/card/emulator/testPhotos.generated';
import fixture from '../fixtures/face-landmarks.json';

export const CHIP_SIZE = 150;
/** Where the eye centres land in the chip (image-left eye first), about where dlib's 0.25-padded 150 px chips put them. */
const EYE_TARGETS: [[number, number], [number, number]] = [
  [50.5, 52],
  [99.5, 52],
];

export interface FaceChip {
  id: string;
  /** Who it is; chips with the same person come from the same source picture here. */
  person: string;
  /** RGB, 0–255, row-major [150, 150, 3]. */
  rgb: Float32Array;
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The card photos' crops, in the full-resolution demo picture (from scripts/make-card-photos.ts), so the eye
 * annotations of the same face carry over to the 240×320 chip photo.
 */
const CARD_CROPS = [
  { identity: 0, person: 'sample6-second', crop: { x: 540, y: 156, w: 440, h: 587 } },
  { identity: 1, person: 'sample3-middle', crop: { x: 972, y: 86, w: 456, h: 608 } },
];

/** Samples `image` bilinearly into a chip so that `eyes` land on EYE_TARGETS (edges clamp). */
export function alignByEyes(image: Rgba, eyes: [number[], number[]]): Float32Array {
  const [l, r] = eyes as [[number, number], [number, number]];
  const [tl, tr] = EYE_TARGETS;
  // Chip → image: rotate and scale the chip's eye vector onto the image's.
  const scale = Math.hypot(r[0] - l[0], r[1] - l[1]) / Math.hypot(tr[0] - tl[0], tr[1] - tl[1]);
  const angle = Math.atan2(r[1] - l[1], r[0] - l[0]) - Math.atan2(tr[1] - tl[1], tr[0] - tl[0]);
  const [c, s] = [scale * Math.cos(angle), scale * Math.sin(angle)];
  const out = new Float32Array(CHIP_SIZE * CHIP_SIZE * 3);
  const px = (x: number, y: number, ch: number) => {
    const cx = Math.min(image.width - 1, Math.max(0, x));
    const cy = Math.min(image.height - 1, Math.max(0, y));
    return image.data[(cy * image.width + cx) * 4 + ch] as number;
  };
  for (let v = 0; v < CHIP_SIZE; v++) {
    for (let u = 0; u < CHIP_SIZE; u++) {
      const [du, dv] = [u + 0.5 - tl[0], v + 0.5 - tl[1]];
      const x = l[0] + c * du - s * dv - 0.5;
      const y = l[1] + s * du + c * dv - 0.5;
      const [x0, y0] = [Math.floor(x), Math.floor(y)];
      const [fx, fy] = [x - x0, y - y0];
      for (let ch = 0; ch < 3; ch++) {
        const top = px(x0, y0, ch) * (1 - fx) + px(x0 + 1, y0, ch) * fx;
        const bottom = px(x0, y0 + 1, ch) * (1 - fx) + px(x0 + 1, y0 + 1, ch) * fx;
        out[(v * CHIP_SIZE + u) * 3 + ch] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

function decodeJpeg(bytes: Uint8Array): Rgba {
  return jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 512 });
}

/** Every annotated demo face, then the two card photos whose face is one of them. */
export function makeFaceChips(root: string): FaceChip[] {
  const images = new Map<string, Rgba>();
  const picture = (file: string) => {
    if (!images.has(file)) images.set(file, decodeJpeg(readFileSync(join(resolve(root, fixture.imageDir), file))));
    return images.get(file)!;
  };
  const chips: FaceChip[] = fixture.faces.map((f) => ({
    id: `${f.id} (demo picture)`,
    person: f.id,
    rgb: alignByEyes(picture(f.image), [f.leftEye, f.rightEye]),
  }));
  for (const card of CARD_CROPS) {
    const face = fixture.faces.find((f) => f.id === card.person)!;
    const photo = decodeJpeg(Buffer.from(testPhotos[card.identity]!.jpeg, 'base64'));
    const toPhoto = (p: number[]) => [
      ((p[0]! - card.crop.x) * photo.width) / card.crop.w,
      ((p[1]! - card.crop.y) * photo.height) / card.crop.h,
    ];
    chips.push({
      id: `${card.person} (test citizen ${card.identity}'s chip photo, JPEG ${photo.width}×${photo.height})`,
      person: card.person,
      rgb: alignByEyes(photo, [toPhoto(face.leftEye), toPhoto(face.rightEye)]),
    });
  }
  return chips;
}
