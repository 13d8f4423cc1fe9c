// `npm run booth -- face models`: checks the installed face models and the
// MediaPipe runtime (wasm and loader) against the manifest built into this
// booth's code, as the booth does when it starts, and says what each file is
// and where it came from.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelManifest, verifyCoreModels, verifyModels, type FaceFileKind } from '../core/face/models';
import { createFaceMatcher } from '../core/face/faceMatcher';
import { createLogger } from '../core/logging';
import type { MatchSettings } from '../shared/face/settings';

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

/** The core's own models (face matching): out/core-models beside out/cli. */
export function defaultCoreModelsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../core-models');
}

/**
 * `npm run booth -- face selftest`: the known-answer self-test the booth runs at start, on the installed core models, in the
 * same worker. Returns the exit code (0: passed, 1: the face step would be out of service).
 */
export async function runFaceSelfTest(dir: string, settings: MatchSettings, print: (text: string, data: unknown) => void): Promise<number> {
  const matcher = createFaceMatcher({ models: verifyCoreModels(dir, modelManifest), settings, logger: createLogger({ level: 'silent' }) });
  const started = performance.now();
  const state = await matcher.ready();
  await matcher.stop();
  const ms = Math.round(performance.now() - started);
  const checks = (state.state === 'ready' || state.state === 'out-of-service' ? state.selfTest?.checks : undefined) ?? [];
  const lines = checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
  const ok = state.state === 'ready';
  const verdict = ok
    ? `  Passed in ${ms} ms: the face step can match faces (threshold ${settings.threshold}).`
    : `  ${state.state === 'out-of-service' ? `${state.reason}: ${state.message}` : 'not ready'}\n  The face step is out of service: citizens are sent to the service desk. Reinstall the booth software; do not copy model files by hand.`;
  print([`Face matcher self-test (core models in ${dir}):`, ...lines, '', verdict].join('\n'), {
    ok,
    dir,
    ms,
    threshold: settings.threshold,
    reason: state.state === 'out-of-service' ? state.reason : undefined,
    message: state.state === 'out-of-service' ? state.message : undefined,
    checks,
  });
  return ok ? 0 : 1;
}
