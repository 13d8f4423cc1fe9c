// `npm run booth -- face models`: checks the installed face models and the
// MediaPipe runtime (wasm and loader) against the manifest built into this
// booth's code, as the booth does when it starts, and says what each file is
// and where it came from.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelManifest, verifyModels, type FaceFileKind } from '../core/face/models';

/** The models and runtime the built booth serves: out/renderer/models beside out/cli. */
export function defaultModelsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../renderer/models');
}

/** Prints the check; returns the exit code (0: every file verified, 1: a file is missing or altered). */
export function checkFaceModels(dir: string, print: (text: string, data: unknown) => void): number {
  const result = verifyModels(dir, modelManifest);
  const problems = result.ok ? [] : result.problems;
  const files = modelManifest.files.map((file) => {
    const problem = problems.find((p) => p.file === file.name);
    return {
      name: file.name,
      kind: file.kind,
      bytes: file.bytes,
      sha256: file.sha256,
      licence: file.licence,
      status: problem ? problem.problem : 'verified',
      message: problem?.message,
    };
  });
  if (result.ok) for (const bytes of result.files.values()) bytes.fill(0);
  const what = (kind: FaceFileKind) => (kind === 'runtime' ? '  (MediaPipe runtime)' : kind === 'picture' ? '  (warm-up picture)' : '');
  const lines = files.map((f) =>
    f.status === 'verified'
      ? `  ok       ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256.slice(0, 16)}…  ${f.licence}${what(f.kind)}`
      : `  ${f.status.toUpperCase().padEnd(8)} ${f.name}  (see below)${what(f.kind)}`,
  );
  const advice = problems.map((p) => `  ${p.message}`);
  print(
    [
      `Face models and MediaPipe runtime in ${dir}:`,
      ...lines,
      ...(advice.length ? ['', ...advice] : ['', '  All verified: the face step can run.']),
    ].join('\n'),
    { ok: result.ok, dir, files },
  );
  return result.ok ? 0 : 1;
}
