// The MediaPipe runtime (tasks-vision's wasm and JavaScript loader) is held
// to the same rule as the face models: listed in models/manifest.json,
// checked at start-up, served only from the verified bytes in memory, a
// tampered copy turns the face step off with a technician code, and
// `booth face models` names it. And the host never serves a file of the
// verified folder from disk, whatever spelling of the folder a request uses
// (on Windows "/Models/" and "/models./" open models/).
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFaceModels } from '../../src/cli/faceCommands';
import { composeBooth } from '../../src/core/booth/compose';
import { LANDMARKER_FILE, modelManifest, verifyModels } from '../../src/core/face/models';
import { startHost } from '../../src/host/server';
import { inProcessCore } from '../../src/core/process';
import { inProcessBooth } from '../support/inProcess';
import { walkTo } from '../support/walkTo';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MODELS = join(ROOT, 'models');
const LOADER = 'vision_wasm_internal.js';
const WASM = 'vision_wasm_internal.wasm';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const manifestSha = (name: string) => modelManifest.files.find((f) => f.name === name)?.sha256;

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A renderer folder with an index page and a copy of every file the manifest lists (as `npm run models` made them). */
function rendererCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'booth-runtime-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>booth</title>');
  mkdirSync(join(dir, 'models'));
  for (const { name } of modelManifest.files) cpSync(join(MODELS, name), join(dir, 'models', name));
  return dir;
}

function tamper(file: string): Buffer {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1]! ^= 0x01;
  writeFileSync(file, bytes);
  return bytes;
}

/** GET a path exactly as written (no URL tidying), answering status, content type and body. */
function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function hostFor(rendererDir: string) {
  const lines: string[] = [];
  const composed = await composeBooth({
    config: { devices: { card: { driver: 'none' } } },
    version: 't',
    rendererDir,
    logDestination: { write: (line: string) => void lines.push(line) },
  });
  const host = await startHost({ core: inProcessCore(composed.booth), logger: composed.logger, rendererDir, port: 0, bind: '127.0.0.1' });
  cleanups.push(async () => {
    await composed.booth.dispose();
    await host.close();
  });
  return { composed, host, logs: () => lines.join('') };
}

describe('the MediaPipe runtime in the verified manifest', () => {
  it('lists the wasm and its loader, as byte-for-byte copies of the installed tasks-vision', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@mediapipe/tasks-vision/package.json'), 'utf8')) as { version: string };
    for (const name of [LOADER, WASM, 'vision_wasm_nosimd_internal.js', 'vision_wasm_nosimd_internal.wasm']) {
      const entry = modelManifest.files.find((f) => f.name === name);
      expect(entry, name).toMatchObject({ kind: 'runtime', licence: 'Apache-2.0' });
      expect(entry?.sha256).toBe(sha256(readFileSync(join(ROOT, 'node_modules/@mediapipe/tasks-vision/wasm', name))));
    }
    const recorded = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as {
      files: Array<{ name: string; sources: Array<{ package: string; version: string }> }>;
    };
    expect(recorded.files.find((f) => f.name === WASM)?.sources).toMatchObject([
      { package: '@mediapipe/tasks-vision', version: pkg.version },
    ]);
  });

  it('serves the verified runtime from memory with the types Chromium needs', async () => {
    const dir = rendererCopy();
    const { host } = await hostFor(dir);
    const loader = await rawGet(host.port, `/models/${LOADER}`);
    expect(loader.status).toBe(200);
    expect(loader.type).toBe('text/javascript; charset=utf-8');
    expect(sha256(loader.body)).toBe(manifestSha(LOADER));
    const wasm = await rawGet(host.port, `/models/${WASM}`);
    expect(wasm.type).toBe('application/wasm');
    expect(sha256(wasm.body)).toBe(manifestSha(WASM));
  });

  it('refuses a tampered runtime: face step off with MODEL_TAMPERED, named by the CLI, nothing served', async () => {
    const dir = rendererCopy();
    tamper(join(dir, 'models', WASM));
    const check = verifyModels(join(dir, 'models'), modelManifest);
    expect(check).toMatchObject({ ok: false, problems: [{ file: WASM, kind: 'runtime', problem: 'tampered' }] });
    // The core process checks in chunks and keeps no bytes: the same verdict, the same words.
    expect(verifyModels(join(dir, 'models'), modelManifest, { keepBytes: false })).toEqual(check);
    const good = verifyModels(MODELS, modelManifest, { keepBytes: false });
    expect(good).toEqual({ ok: true, files: new Map() });
    expect(!check.ok && check.problems[0]!.message).toMatch(
      /^MediaPipe runtime file vision_wasm_internal\.wasm failed its integrity check.*reinstall the booth software/,
    );

    // The technician command names the file and says what to do.
    let printed = '';
    let data: { ok: boolean; files: Array<{ name: string; kind: string; status: string }> } | undefined;
    expect(checkFaceModels(join(dir, 'models'), (text, json) => ((printed = text), (data = json as typeof data)))).toBe(1);
    expect(printed).toMatch(/TAMPERED vision_wasm_internal\.wasm {2}\(see below\) {2}\(MediaPipe runtime\)/);
    expect(printed).toMatch(/ok {7}face_landmarker\.task /);
    expect(data?.files.find((f) => f.name === WASM)).toMatchObject({ kind: 'runtime', status: 'tampered' });

    // The booth started on that folder: no face step, nothing of models/ served, the refusal logged.
    const { composed, host, logs } = await hostFor(dir);
    expect(await composed.booth.handlers['booth.info']({})).toMatchObject({ ok: true, value: { capabilities: { face: false } } });
    for (const name of [WASM, LOADER, LANDMARKER_FILE]) expect((await rawGet(host.port, `/models/${name}`)).status, name).toBe(404);
    expect(logs()).toMatch(/"event":"face.model_refused","file":"vision_wasm_internal.wasm","problem":"tampered"/);

    // The face step itself answers with the technician code.
    const booth = await inProcessBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } }, check);
    cleanups.push(() => booth.booth.dispose());
    const { client } = booth;
    await walkTo(client, 'face');
    expect(await client.face.setup()).toMatchObject({
      ok: false,
      error: {
        code: 'STEP_UNAVAILABLE',
        reason: 'MODEL_TAMPERED',
        message: expect.stringMatching(/MediaPipe runtime file vision_wasm_internal\.wasm/),
      },
    });
    // And the citizen is referred to the service desk with that code for the technician.
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'MODEL_TAMPERED' } },
    });
  });
});

describe('the host never serves the verified folder from disk', () => {
  it('answers every spelling of models/ with the verified bytes or 404, never a tampered file on disk', async () => {
    const dir = rendererCopy();
    const { host } = await hostFor(dir); // verified now, from the good copy
    // Then the disk changes under the running booth: the real folder, and the
    // folders a Windows file system would resolve the variants to.
    const tampered = new Set<string>();
    for (const folder of ['models', 'Models', 'MODELS', 'mOdElS', 'models.', 'models ', 'models..']) {
      mkdirSync(join(dir, folder), { recursive: true });
      for (const name of [LANDMARKER_FILE, LOADER]) {
        const file = join(dir, folder, name);
        if (folder !== 'models') cpSync(join(MODELS, name), file);
        tampered.add(sha256(tamper(file)));
      }
    }
    const paths = [
      ...[
        'models',
        'Models',
        'MODELS',
        'mOdElS',
        'models.',
        'models%20',
        'models..',
        '%4Dodels',
        '%6dODELS',
        'x/../Models',
        './MODELS',
        '/MODELS',
        'Models%2F.',
        'Models%5c.',
      ].flatMap((folder) => [`/${folder}/${LANDMARKER_FILE}`, `/${folder}/${LOADER}`]),
      `/Models%2F${LANDMARKER_FILE}`,
      `/MODELS%5C${LOADER}`,
      `/Models/FACE_LANDMARKER.TASK`,
      `/%254Dodels/${LANDMARKER_FILE}`,
      `/models::$INDEX_ALLOCATION/${LANDMARKER_FILE}`,
    ];
    for (const path of paths) {
      const { status, body } = await rawGet(host.port, path);
      expect([200, 404], path).toContain(status);
      if (status === 200) {
        expect(tampered.has(sha256(body)), `${path} served a file from disk`).toBe(false);
        expect([manifestSha(LANDMARKER_FILE), manifestSha(LOADER)], path).toContain(sha256(body));
      }
    }
    expect(sha256((await rawGet(host.port, `/Models/${LANDMARKER_FILE}`)).body)).toBe(manifestSha(LANDMARKER_FILE));
  });
});
