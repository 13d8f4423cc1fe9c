// The known-answer self-test the face matcher runs before any citizen is
// matched: fixed pictures from the project's own test media (the chip
// photos of test citizens 0 and 1, the first as JPEG and as JPEG 2000,
// shipped as verified files beside the core's models: selfTestFiles.ts) go
// through the whole pipeline in the worker (decode, detect, align, embed),
// and must give the stored embeddings (selfTestExpected.json, written by
// scripts/face-selftest-expected.ts from a known-good build) within a
// tolerance, and the expected decisions: citizen 0's two pictures are one
// person, citizens 0 and 1 are two. A tampered model that still passed its
// hash (or a hash list changed with it), a different onnxruntime, a broken
// decoder or a dead worker fail it, and the face step goes out of service.
import { SELF_TEST_FILES } from './selfTestFiles';
import expected from './selfTestExpected.json';
import type { PictureAnalysis, PictureInput } from './faceEngine';
import { euclidean } from './matching';

/**
 * Largest difference allowed per embedding value (values are about 0.1): well above the float noise between CPUs and
 * onnxruntime builds (about 1e-6), well below what a changed weight does (4 KB of the 22 MB changed moved values by 1e-3).
 */
export const SELF_TEST_TOLERANCE = 1e-4;

export interface SelfTestPicture {
  id: string;
  picture: PictureInput;
}

/** The self-test's pictures from the verified core files, in selfTestExpected.json's order (copies: the worker zeroes them). */
export function selfTestPictures(files: ReadonlyMap<string, Uint8Array>): SelfTestPicture[] {
  return SELF_TEST_FILES.map(({ file, format }) => {
    const bytes = files.get(file);
    if (!bytes) throw new Error(`The face self-test picture ${file} is missing.`);
    return { id: file, picture: { format, bytes: new Uint8Array(bytes) } };
  });
}

export interface SelfTestCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SelfTestReport {
  ok: boolean;
  checks: SelfTestCheck[];
  /** For the technician, when it failed: the first failed check. */
  message: string;
}

/** Judges the worker's analyses of selfTestPictures() against the stored answers and the threshold. */
export function judgeSelfTest(results: PictureAnalysis[], threshold: number): SelfTestReport {
  const checks: SelfTestCheck[] = [];
  const pictures = expected.pictures;
  const embeddings: Float32Array[] = [];
  for (const [i, want] of pictures.entries()) {
    const got = results[i];
    if (!got || !got.ok) {
      checks.push({ name: `${want.id} analysed`, ok: false, detail: got ? `${got.reason}: ${got.message}` : 'no answer' });
      continue;
    }
    embeddings[i] = got.embedding;
    let worst = 0;
    for (let k = 0; k < want.embedding.length; k++) {
      const diff = Math.abs((got.embedding[k] ?? Number.NaN) - (want.embedding[k] as number));
      worst = Math.max(worst, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
    }
    if (got.embedding.length !== want.embedding.length) worst = Number.POSITIVE_INFINITY;
    checks.push({
      name: `${want.id} embedding`,
      ok: worst <= SELF_TEST_TOLERANCE,
      detail: `largest difference from the stored answer ${worst.toExponential(2)} (allowed ${SELF_TEST_TOLERANCE})`,
    });
  }
  const [a, b, c] = embeddings;
  if (a && b) {
    const d = euclidean(a, b);
    checks.push({
      name: 'same person (citizen 0, JPEG and JPEG 2000)',
      ok: d <= threshold,
      detail: `distance ${d.toFixed(3)}, threshold ${threshold}`,
    });
  }
  if (a && c) {
    const d = euclidean(a, c);
    checks.push({
      name: 'different people (citizens 0 and 1)',
      ok: d > threshold,
      detail: `distance ${d.toFixed(3)}, threshold ${threshold}`,
    });
  }
  const failed = checks.find((check) => !check.ok);
  return {
    ok: !failed && checks.length === pictures.length + 2,
    checks,
    message: failed ? `Face self-test failed: ${failed.name}: ${failed.detail}.` : 'Face self-test passed.',
  };
}
