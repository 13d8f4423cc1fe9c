// Lays out, one folder per person, the face pictures the project's packages
// offer for `npm run booth -- face calibrate --pairs DIR`: the test
// citizens' chip photos (JPEG and JPEG 2000) and crops of the annotated
// faces of @vladmandic/face-api's demo group photos (MIT). Very little: four
// people with two to four pictures each, and each person's pictures cut from
// one photograph. It exercises the command; it calibrates nothing.
// Run: npx tsx scripts/make-calibration-set.ts [outDir]   (default test-results/calibration-set)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { testPhotos } from '../src/core/card/emulator/testPhotos.generated';
import { liveCrop, type AnnotatedFace } from '../test/support/liveCrops';

const root = resolve(import.meta.dirname, '..');

/** Each person: the chip photo of a test citizen cut from a demo picture, and the same face cropped from that picture. */
const PEOPLE: { person: string; citizen?: number; faces: AnnotatedFace[] }[] = [
  { person: 'sample6-fourth', citizen: 3, faces: ['sample6-fourth'] },
  { person: 'sample6-second', citizen: 0, faces: ['sample6-second'] },
  { person: 'sample3-middle', citizen: 1, faces: ['sample3-middle'] },
  { person: 'sample3-left', faces: ['sample3-left'] },
  { person: 'sample3-right', faces: ['sample3-right'] },
  { person: 'sample6-third', faces: ['sample6-third'] },
];

export function makeCalibrationSet(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  for (const { person, citizen, faces } of PEOPLE) {
    const folder = join(dir, person);
    mkdirSync(folder, { recursive: true });
    if (citizen !== undefined) {
      writeFileSync(join(folder, 'chip.jpg'), Buffer.from(testPhotos[citizen]!.jpeg, 'base64'));
      writeFileSync(join(folder, 'chip.j2k'), Buffer.from(testPhotos[citizen]!.jpeg2000, 'base64'));
    }
    for (const face of faces) {
      writeFileSync(join(folder, 'crop.jpg'), liveCrop(root, face));
      writeFileSync(join(folder, 'crop-wide.jpg'), liveCrop(root, face, { grow: 1.3, dy: 10 }));
    }
  }
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? join(root, 'test-results/calibration-set'));
  console.log(`calibration set: ${makeCalibrationSet(out)}`);
}
