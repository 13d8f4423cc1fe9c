// The technician's command line, run as a technician would, in a terminal
// process: output masked, errors readable, exit codes meaningful.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { makeCalibrationSet } from '../../scripts/make-calibration-set';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityPhoto } from '../../src/core/card/emulator/identities';
import { inProcessBooth } from '../support/inProcess';
import { sampleEnrollment, testVaultConfig } from '../support/vault';
import { openSyncBooth } from '../support/syncBooth';
import { testSyncConfig } from '../support/upstream';
import { freePort } from '../support/ports';
import { readQrPng } from '../support/qrRead';
import { verifySignoffToken } from '../../src/shared/signoff/token';

const root = resolve(import.meta.dirname, '../..');

function booth(...args: string[]) {
  const run = spawnSync(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'src/cli/booth.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, BOOTH_CONFIG: '' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run booth -- card', () => {
  it('reads the simulated card with personal data masked', () => {
    const { code, out } = booth('card', 'read', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result).toMatchObject({
      driver: 'emulated-serial',
      nik: '31************01',
      name: 'S*** R********',
      birthYear: '1990',
      photo: { format: 'jpeg', bytes: identityPhoto(0).length },
      samAuthenticated: true,
    });
    expect(out).not.toContain('3174054208900001');
    expect(out).not.toContain('SITI');
  });

  it('reports the reader status without unlocking the SAM', () => {
    const { code, out } = booth('card', 'status');
    expect(code).toBe(0);
    expect(out).toContain('SAM present   yes');
    expect(out).toContain('SAM unlocked  no');
  });

  it('explains a missing serial port, a bad configuration and an unknown command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-cli-'));
    const serial = join(dir, 'serial.json');
    writeFileSync(
      serial,
      JSON.stringify({
        devices: { card: { driver: 'serial', path: join(dir, 'no-such-port'), sam: { pcid: 'ab'.repeat(32), conf: 'cd'.repeat(32) } } },
      }),
    );
    const missing = booth('card', 'read', '--config', serial);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^Card reader: NO_READER: Cannot open the card module: .*no-such-port.*\(check the reader cable/m);

    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ devices: { crad: {} } }));
    const bad = booth('card', 'status', '--config', typo);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('devices.crad: unknown key; did you mean "card"?');

    const unknown = booth('card', 'fly');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "card fly"');
  });

  it('gives up a read that outlasts the deadline with TIMEOUT and its advice, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-cli-'));
    const slow = join(dir, 'slow.json');
    // At 1200 baud the whole read takes minutes; the deadline is half a second.
    writeFileSync(slow, JSON.stringify({ devices: { card: { driver: 'emulated-serial', baudRate: 1200, readDeadlineMs: 500 } } }));
    const started = Date.now();
    const { code, out } = booth('card', 'read', '--config', slow);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(out).toMatch(/^Card reader: TIMEOUT: The card read did not finish within 0\.5 s\. \(the card or the reader stopped answering/m);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('npm run booth -- face models', () => {
  const installed = resolve(root, 'out/renderer/models');

  it('verifies the installed models against the manifest', () => {
    const { code, out } = booth('face', 'models', '--models', installed);
    expect(code).toBe(0);
    expect(out).toMatch(/ok {7}face_landmarker\.task {2}\d+ bytes {2}sha256 [0-9a-f]{16}… {2}Apache-2\.0/);
    expect(out).toContain('All verified');
  });

  it('names an altered and a missing model, with what to do, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-models-'));
    const model = readFileSync(join(installed, 'face_landmarker.task'));
    model[100]! ^= 0xff;
    writeFileSync(join(dir, 'face_landmarker.task'), model);
    const { code, out } = booth('face', 'models', '--models', dir, '--json');
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    const result = JSON.parse(out) as { ok: boolean; files: Array<{ name: string; status: string; message?: string }> };
    expect(result.ok).toBe(false);
    expect(result.files.map((f) => [f.name, f.status])).toEqual([
      ['face_landmarker.task', 'tampered'],
      ['face_detector.tflite', 'missing'],
      // The MediaPipe runtime is in the manifest too (none of it was copied here).
      ['vision_wasm_internal.js', 'missing'],
      ['vision_wasm_internal.wasm', 'missing'],
      ['vision_wasm_nosimd_internal.js', 'missing'],
      ['vision_wasm_nosimd_internal.wasm', 'missing'],
      // And the picture the screen warms MediaPipe with.
      ['warmup-face.jpg', 'missing'],
    ]);
    expect(result.files[6]!.message).toMatch(/^Warm-up picture warmup-face.jpg is missing/);
    expect(result.files[0]!.message).toMatch(/failed its integrity check.*reinstall the booth software/);
    expect(result.files[1]!.message).toMatch(/is missing.*npm run models/);
  });
});

describe('npm run booth -- face selftest', () => {
  it('runs the known-answer self-test on the core models and says the face step can match', () => {
    const { code, out } = booth('face', 'selftest', '--core-models', resolve(root, 'models'));
    expect(code).toBe(0);
    expect(out).toMatch(/ok {4}selftest-citizen0\.j2k embedding: largest difference from the stored answer/);
    expect(out).toMatch(/ok {4}different people \(citizens 0 and 1\): distance 0\.\d+, threshold 0\.6/);
    expect(out).toMatch(/Passed in \d+ ms/);
  });

  it('says the face step is out of service, why and what to do, and exits 1 when a model is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-core-models-'));
    writeFileSync(join(dir, 'face_detector.onnx'), readFileSync(resolve(root, 'models/face_detector.onnx')));
    const { code, out } = booth('face', 'selftest', '--core-models', dir, '--json');
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      reason: 'MODEL_MISSING',
      message: expect.stringMatching(/face_embedding\.onnx is missing/),
    });
  });
});

describe('npm run booth -- face calibrate', () => {
  it('prints genuine and impostor distances, FMR and FNMR per threshold with their 95% bounds, what the set cannot show, and a DET plot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-calibrate-'));
    try {
      makeCalibrationSet(join(dir, 'set'));
      const det = join(dir, 'det.svg');
      const { code, out } = booth('face', 'calibrate', '--pairs', join(dir, 'set'), '--core-models', resolve(root, 'models'), '--det', det);
      expect(code).toBe(0);
      expect(out).toMatch(/18 pictures of 6 people used; 0 refused/);
      expect(out).toMatch(/genuine pairs {2}21: distance min 0\.\d{3}/);
      expect(out).toMatch(/impostor pairs 132: /);
      expect(out).toMatch(/ {2}0\.60\* +\d+\/132 +[\d.]+% {2}≤ +[\d.]+% +0\/21 +0\.00% {2}≤ +13\.29%/);
      expect(out).toContain('with 132 impostor pairs, no false match still only bounds the FMR under 2.24% (95%)');
      expect(readFileSync(det, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*DET: 21 genuine, 132 impostor pairs, 6 people[\s\S]*<\/svg>\n$/);
      // The same figures as data.
      const json = JSON.parse(
        booth('face', 'calibrate', '--pairs', join(dir, 'set'), '--core-models', resolve(root, 'models'), '--det', det, '--json').out,
      );
      expect(json).toMatchObject({ people: 6, pictures: 18, configuredThreshold: 0.6, genuine: { n: 21 }, impostor: { n: 132 } });
      expect(json.closestImpostorPairs).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with the folder: none given, none there, one person only, a picture that is no picture', () => {
    expect(booth('face', 'calibrate')).toMatchObject({ code: 2, err: expect.stringMatching(/needs --pairs DIR/) });
    expect(booth('face', 'calibrate', '--pairs', '/nonexistent-calibration')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot be read/),
    });
    const dir = mkdtempSync(join(tmpdir(), 'booth-calibrate-'));
    try {
      expect(booth('face', 'calibrate', '--pairs', dir)).toMatchObject({
        code: 2,
        err: expect.stringMatching(/has no folder of pictures/),
      });
      makeCalibrationSet(join(dir, 'set'));
      const one = join(dir, 'one');
      cpSync(join(dir, 'set', 'sample6-fourth'), join(one, 'sample6-fourth'), { recursive: true });
      writeFileSync(join(one, 'sample6-fourth', 'broken.jpg'), Buffer.from('not a picture'));
      const { code, err } = booth(
        'face',
        'calibrate',
        '--pairs',
        one,
        '--core-models',
        resolve(root, 'models'),
        '--det',
        join(dir, 'd.svg'),
      );
      expect(code).toBe(1);
      expect(err).toMatch(/4 pictures of 1 person could be used \(1 refused\)/);
      expect(err).toMatch(/Calibration needs at least two people/);
      expect(err).toMatch(/refused sample6-fourth\/broken\.jpg: UNDECODABLE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run booth -- vault', () => {
  it('says there is no vault yet, then shows one a booth made: keys, warnings, counts, free space; exports it and checks the export', async () => {
    const work = mkdtempSync(join(tmpdir(), 'booth-cli-vault-'));
    try {
      const vault = testVaultConfig();
      const configFile = join(work, 'booth.json');
      writeFileSync(configFile, JSON.stringify({ vault: { ...vault, dir: join(work, 'vault') } }));
      let run = booth('vault', 'status', '--config', configFile);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/UNAVAILABLE +NO_VAULT: there is no vault in .* yet: the booth makes it at its first start/);
      // No key was made by asking.
      expect(existsSync(join(work, 'vault', 'keys'))).toBe(false);

      const made = await inProcessBooth({ vault: { ...vault, dir: join(work, 'vault') } });
      const sample = sampleEnrollment(4);
      const committed = await (
        await made.booth.vault
      ).commit({
        kind: 'enrollment',
        about: null,
        nik: sample.citizen.nik,
        content: (id) => ({ ...sample.content, enrollmentId: id }),
      });
      expect(committed.ok).toBe(true);
      await made.booth.dispose();

      run = booth('vault', 'status', '--config', configFile);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/keys +development\n +WARNING +DEVELOPMENT KEYS/);
      expect(run.out).toMatch(/outbox +1 pending, 0 sending, 0 acknowledged, 0 purged; oldest unsent from \d{4}-/);
      expect(run.out).toMatch(/free space +\d+ MB \(new citizens need at least 1 MB\): taking citizens/);
      expect(run.out).not.toContain(sample.citizen.nik);

      expect(booth('vault', 'export', '--config', configFile)).toMatchObject({
        code: 2,
        err: expect.stringMatching(/vault export needs --to DIR/),
      });
      run = booth('vault', 'export', '--to', join(work, 'usb'), '--config', configFile, '--json');
      expect(run.code).toBe(0);
      const exported = JSON.parse(run.out) as { folder: string; records: number };
      expect(exported.records).toBe(1);
      run = booth('vault', 'check', exported.folder);
      expect(run).toMatchObject({ code: 0, out: expect.stringMatching(/all 1 records intact, signed by booth BOOTH-DEMO-01/) });
      const file = join(exported.folder, readdirSync(join(exported.folder, 'records')).map((name) => join('records', name))[0]!);
      const bytes = readFileSync(file);
      bytes[100]! ^= 1;
      writeFileSync(file, bytes);
      run = booth('vault', 'check', exported.folder);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/0 of 1 records intact; problems:\n +records\/.*\.cbor: its checksum does not match the manifest/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('npm run booth -- sync status', () => {
  it('shows the queue, the last error and the retries of a booth whose upstream is down, from the vault, as text and JSON', async () => {
    const work = mkdtempSync(join(tmpdir(), 'booth-cli-sync-'));
    try {
      const vault = { ...testVaultConfig(), dir: join(work, 'vault') };
      // Nothing listens on that port: the upstream is down.
      const url = `http://127.0.0.1:${await freePort()}`;
      const sync = testSyncConfig(url);
      const configFile = join(work, 'booth.json');
      writeFileSync(configFile, JSON.stringify({ vault, sync }));
      const made = await openSyncBooth({ url: sync.upstreamUrl!, vault, sync });
      await made.commitEnrollments(2);
      await (await made.startSync()).syncNow();
      await made.close();

      let run = booth('sync', 'status', '--config', configFile, '--json');
      expect(run.code).toBe(1);
      const status = JSON.parse(run.out) as Record<string, unknown>;
      expect(status).toMatchObject({
        ok: false,
        upstreamUrl: url,
        state: 'failing',
        pending: 2,
        consecutiveFailures: 1,
        lastSuccessAt: null,
        lastError: { code: 'OFFLINE', message: expect.stringMatching(/no connection to the upstream \(ECONNREFUSED\)/) },
      });
      run = booth('sync', 'status', '--config', configFile);
      expect(run.out).toMatch(new RegExp(`^Sync to ${url}\\n +queue +2 waiting, oldest from \\d{4}-`));
      expect(run.out).toMatch(/last error +\S+ +OFFLINE: no connection to the upstream/);
      expect(run.out).toMatch(/retrying +1 failures in a row; next try \d{4}-/);

      writeFileSync(configFile, JSON.stringify({ vault, sync: { ...sync, upstreamUrl: null } }));
      run = booth('sync', 'status', '--config', configFile);
      expect(run).toMatchObject({ code: 0, out: expect.stringMatching(/^Sync is off \(sync\.upstreamUrl is null\)/) });
      expect(booth('sync', 'status', 'extra')).toMatchObject({
        code: 2,
        err: expect.stringMatching(/Unknown command "sync status extra"/),
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('npm run booth -- keys show / signoff sample', () => {
  it('shows the booth key and kid, signs a sample token that verifies with them, and writes a QR that reads back at 10-Q', async () => {
    const work = mkdtempSync(join(tmpdir(), 'booth-cli-signoff-'));
    try {
      const vault = { ...testVaultConfig(), dir: join(work, 'vault') };
      const configFile = join(work, 'booth.json');
      writeFileSync(configFile, JSON.stringify({ vault }));
      expect(booth('keys', 'show', '--config', configFile)).toMatchObject({
        code: 1,
        out: expect.stringMatching(/The booth's keys are not readable: NO_VAULT: there is no vault in .* yet/),
      });
      const made = await inProcessBooth({ vault });
      await made.booth.vault;
      await made.booth.dispose();

      let run = booth('keys', 'show', '--config', configFile, '--json');
      expect(run.code).toBe(0);
      const keys = JSON.parse(run.out) as { publicKey: string; kid: string };
      expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(keys.kid).toMatch(/^[0-9a-f]{8}$/);
      expect(createHash('sha256').update(Buffer.from(keys.publicKey, 'base64url')).digest('hex').slice(0, 8)).toBe(keys.kid);

      expect(booth('signoff', 'sample', '--config', configFile)).toMatchObject({
        code: 2,
        err: expect.stringMatching(/needs --out FILE.png/),
      });
      const png = join(work, 'token.png');
      run = booth('signoff', 'sample', '--out', png, '--config', configFile, '--json');
      expect(run.code).toBe(0);
      const sample = JSON.parse(run.out) as { text: string; qrVersion: number; coseBytes: number; kid: string };
      expect(sample).toMatchObject({ kid: keys.kid, qrVersion: 10 });
      expect(sample.coseBytes).toBeLessThanOrEqual(144);
      const verdict = await verifySignoffToken(sample.text, {
        keysFor: (kid) =>
          kid === keys.kid ? [{ boothId: 'BOOTH-DEMO-01', publicKey: Buffer.from(keys.publicKey, 'base64url'), revoked: false }] : [],
        now: Date.now(),
      });
      expect(verdict).toMatchObject({ ok: true, boothId: 'BOOTH-DEMO-01', claims: { nikLast4: '0042' } });
      expect(await readQrPng(readFileSync(png))).toEqual([{ text: sample.text, version: '10', ecLevel: 'Q' }]);
      run = booth('signoff', 'sample', '--out', png, '--config', configFile);
      expect(run.out).toMatch(/^IKD1:[0-9A-Z $%*+\-./:]+\n\nSign-off token for a synthetic enrollment/);
      expect(run.out).toMatch(/QR +version 10-Q \(57×57 modules\), written to /);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
