// The picture the renderer warms MediaPipe with before any citizen arrives
// (src/renderer/face/faceEngine.ts): a group photo from
// @vladmandic/face-api's demo folder (MIT), copied byte for byte. The
// renderer draws one face of it, at the crop recorded in
// src/shared/face/assets.ts, as a camera frame. It is never shown. It goes
// through the same manifest check as the models, since it is fed to them.
import type { BuiltFile } from './build.js';
import { findPackage, slice } from './sources.js';
import { WARMUP_PICTURE } from '../../src/shared/face/assets.js';

export const PICTURE_PACKAGE = '@vladmandic/face-api';

/** The warm-up picture from the installed face-api package, unchanged. */
export function copyWarmUpPicture(root: string): BuiltFile[] {
  const pkg = findPackage(root, PICTURE_PACKAGE);
  if (pkg.licence !== 'MIT')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not MIT; review before redistributing.`);
  const source = slice(
    pkg,
    WARMUP_PICTURE.sourceFile,
    `face-step warm-up picture: the face at (${WARMUP_PICTURE.face.x}, ${WARMUP_PICTURE.face.y}) is drawn as a camera frame; never shown`,
  );
  return [
    {
      name: WARMUP_PICTURE.file,
      kind: 'picture',
      bytes: source.bytes,
      entries: [],
      sources: [source],
      licence: pkg.licence,
      edits: 'None: a byte-for-byte copy.',
    },
  ];
}
