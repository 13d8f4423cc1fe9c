// The face matcher's known-answer pictures (src/core/face/selfTest.ts), as
// core files beside the ONNX models: the chip photos of test citizens 0 and
// 1 (citizen 0 also as JPEG 2000), byte for byte as
// scripts/make-card-photos.ts cut them from @vladmandic/face-api's demo
// pictures (MIT). Shipping them as verified files, not code, keeps the
// synthetic citizens out of every statically loaded bundle of an installed
// booth, while the self-test still sees the exact bytes its answers are for.
import type { BuiltFile } from './build.js';
import { findPackage, slice } from './sources.js';
import { testPhotos } from '../../src/core/card/emulator/testPhotos.generated.js';
import { SELF_TEST_FILES } from '../../src/core/face/selfTestFiles.js';

/** Which test citizen, format and demo picture each self-test file is. */
const CROPS = { 0: 'demo/sample6.jpg', 1: 'demo/sample3.jpg' } as const;

export function buildSelfTestPictures(root: string): BuiltFile[] {
  const pkg = findPackage(root, '@vladmandic/face-api');
  if (pkg.licence !== 'MIT')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not MIT; review before redistributing.`);
  return SELF_TEST_FILES.map(({ file, citizen, format }) => {
    const photo = testPhotos[citizen];
    if (!photo) throw new Error(`Test citizen ${citizen} has no chip photo.`);
    const source = slice(pkg, CROPS[citizen], `face self-test picture ${file}: test citizen ${citizen}'s chip photo is cut from it`);
    return {
      name: file,
      kind: 'picture',
      bytes: Buffer.from(format === 'jpeg' ? photo.jpeg : photo.jpeg2000, 'base64'),
      entries: [],
      sources: [source],
      licence: pkg.licence,
      edits:
        `Test citizen ${citizen}'s chip photo as src/core/card/emulator/testPhotos.generated.ts holds it (${format === 'jpeg' ? 'JPEG 240×320' : 'JPEG 2000 120×160'}), ` +
        'cut and encoded by scripts/make-card-photos.ts.',
    } satisfies BuiltFile;
  });
}
