import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livenessSettingsSchema } from '../../src/shared/face/liveness';
import { qualityThresholdsSchema } from '../../src/shared/face/quality';
import { ConfigError, loadConfig, parseConfig } from '../../src/core/config';
import { DEFAULT_UPSTREAM_URL, DEMO_UPSTREAM_KEY, DEMO_UPSTREAM_SIGNING_KEY, DEVELOPMENT_PASSPHRASE } from '../../src/core/config/schema';

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('booth configuration', () => {
  it('fills every default from an empty file', () => {
    expect(parseConfig({})).toEqual({
      booth: { id: 'BOOTH-DEMO-01' },
      session: { idleTimeoutSec: 60, idleWarningSec: 30, expiryGraceSec: 20 },
      host: { port: 0, bind: '127.0.0.1' },
      logging: { level: 'info' },
      devices: {
        card: { driver: 'emulated-serial', identity: 0, baudRate: 115200, link: 'auto', readDeadlineMs: 20_000 },
        camera: { width: 640, height: 480, frameRate: 30, mirror: true },
      },
      face: {
        quality: qualityThresholdsSchema.parse({}),
        liveness: livenessSettingsSchema.parse({}),
        match: { threshold: 0.6, attempts: 2, threads: 1, timeoutMs: 15000 },
        capture: { bestFrames: 3, cropSize: 320, jpegQuality: 0.92, maxFrameBytes: 262144, maxStillBytes: 2097152 },
        technicianOverlay: false,
        warmUpFrames: 600,
        presenceCapSec: 180,
      },
      speech: { defaultVolume: 0.8 },
      vault: {
        dir: 'booth-data/vault',
        keys: { provider: 'development', passphrase: DEVELOPMENT_PASSPHRASE },
        upstreamKey: DEMO_UPSTREAM_KEY,
        minFreeMb: 200,
        retentionDays: 30,
      },
      sync: {
        upstreamUrl: DEFAULT_UPSTREAM_URL,
        upstreamSigningKey: DEMO_UPSTREAM_SIGNING_KEY,
        batchSize: 25,
        backoff: { baseMs: 1000, capMs: 60000 },
        heartbeatSeconds: 60,
        requestTimeoutMs: 30000,
        register: true,
      },
      signoff: { tokenTtlSec: 180 },
    });
  });

  it('checks the sync settings, and the demo upstream key file holds the signing key the booth trusts by default', () => {
    expect(parseConfig({ sync: { upstreamUrl: null } }).sync.upstreamUrl).toBeNull();
    expect(errorOf(() => parseConfig({ sync: { upstreamUrl: 'ftp://upstream.example' } })).problems[0]).toMatch(/^sync\.upstreamUrl: /);
    expect(errorOf(() => parseConfig({ sync: { batchSize: 0 } })).problems[0]).toMatch(/^sync\.batchSize: /);
    expect(errorOf(() => parseConfig({ sync: { backof: {} } })).problems[0]).toMatch(/backof/);
    const file = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../resources/demo-upstream/demo-upstream-key.json'), 'utf8')) as {
      signing: { publicKey: string; privateKey: string };
    };
    expect(file.signing.publicKey).toBe(DEMO_UPSTREAM_SIGNING_KEY);
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: file.signing.privateKey, x: file.signing.publicKey },
      format: 'jwk',
    });
    expect(createPublicKey(privateKey).export({ format: 'jwk' }).x).toBe(DEMO_UPSTREAM_SIGNING_KEY);
  });

  it('ships the demo upstream key it defaults to, marked as a demo, with the private half for the reference upstream', () => {
    const file = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../resources/demo-upstream/demo-upstream-key.json'), 'utf8'),
    ) as Record<string, string>;
    expect(file).toMatchObject({ id: DEMO_UPSTREAM_KEY.id, publicKey: DEMO_UPSTREAM_KEY.publicKey, algorithm: 'X25519' });
    expect(file['DEMO']).toMatch(/DEMONSTRATION KEY/);
    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: file['privateKey'], x: file['publicKey'] }, format: 'jwk' });
    expect(createPublicKey(privateKey).export({ format: 'jwk' }).x).toBe(DEMO_UPSTREAM_KEY.publicKey);
  });

  it('checks the vault settings: key provider, upstream key, typos named', () => {
    expect(parseConfig({ vault: { keys: { provider: 'tpm' } } }).vault.keys).toEqual({ provider: 'tpm', tcti: 'device:/dev/tpmrm0' });
    expect(errorOf(() => parseConfig({ vault: { keys: { provider: 'tmp' } } })).problems[0]).toMatch(/^vault\.keys\.provider: /);
    expect(errorOf(() => parseConfig({ vault: { upstreamKey: { id: 'k1', publicKey: 'short' } } })).problems[0]).toMatch(
      /^vault\.upstreamKey\.publicKey: an X25519 public key: 32 bytes as 43 base64url characters/,
    );
    expect(errorOf(() => parseConfig({ vault: { keys: { provider: 'development', passphrase: 'short' } } })).problems[0]).toMatch(
      /^vault\.keys\.passphrase: /,
    );
    expect(errorOf(() => parseConfig({ vault: { minFreeMB: 10 } })).problems).toEqual([
      'vault.minFreeMB: unknown key; did you mean "minFreeMb"?',
    ]);
  });

  it('checks the speech settings: a volume the citizen can hear, typos named', () => {
    expect(parseConfig({ speech: { defaultVolume: 0.6, voicePackDir: '/srv/voice' } }).speech).toEqual({
      defaultVolume: 0.6,
      voicePackDir: '/srv/voice',
    });
    expect(errorOf(() => parseConfig({ speech: { defaultVolume: 0 } })).problems[0]).toMatch(/^speech\.defaultVolume: /);
    expect(errorOf(() => parseConfig({ speech: { voicePakDir: '/srv/voice' } })).problems).toEqual([
      'speech.voicePakDir: unknown key; did you mean "voicePackDir"?',
    ]);
  });

  it('reads the example configuration shipped in resources/', () => {
    const config = loadConfig(resolve(import.meta.dirname, '../../resources/config/booth.example.json'));
    expect(config.devices.camera).toMatchObject({ width: 1280, height: 720 });
    expect(config.face.quality.minInterEyePx).toBe(90);
  });

  it('checks the face settings: typos named, caps held, the camera can be switched off', () => {
    const typo = errorOf(() => parseConfig({ face: { quality: { minInterEye: 60 } } }));
    expect(typo.problems).toEqual(['face.quality.minInterEye: unknown key; did you mean "minInterEyePx"?']);
    expect(errorOf(() => parseConfig({ face: { capture: { maxStillBytes: 10 * 1024 * 1024 } } })).problems[0]).toMatch(
      /^face\.capture\.maxStillBytes: /,
    );
    expect(errorOf(() => parseConfig({ face: { liveness: { fixedOrder: ['wink'] } } })).problems[0]).toMatch(
      /^face\.liveness\.fixedOrder\.0: /,
    );
    expect(parseConfig({ devices: { camera: null } }).devices.camera).toBeNull();
    expect(parseConfig({ devices: { camera: { deviceLabel: 'Logitech', width: 1280, height: 720 } } }).devices.camera).toMatchObject({
      deviceLabel: 'Logitech',
      frameRate: 30,
    });
  });

  it('checks the card driver settings, SAM secrets included', () => {
    const error = errorOf(() =>
      parseConfig({
        devices: { card: { driver: 'pcsc', cardReader: 'ACS', samReader: 'ACS SAM', sam: { pcid: 'abc', conf: '00'.repeat(32) } } },
      }),
    );
    expect(error.problems).toEqual(['devices.card.sam.pcid: PCID must be 64 hex digits (32 bytes)']);
    expect(errorOf(() => parseConfig({ devices: { card: { driver: 'usb' } } })).problems[0]).toMatch(/^devices\.card\.driver: /);
    expect(
      parseConfig({ devices: { card: { driver: 'serial', path: '/dev/ttyACM0', sam: { pcid: 'ab'.repeat(32), conf: 'cd'.repeat(32) } } } })
        .devices.card,
    ).toMatchObject({ driver: 'serial', baudRate: 115200 });
  });

  it('names the nearest key for a typo, at any depth', () => {
    const error = errorOf(() => parseConfig({ sesion: {}, session: { idleTimoutSec: 30 } }));
    expect([...error.problems].sort()).toEqual([
      'sesion: unknown key; did you mean "session"?',
      'session.idleTimoutSec: unknown key; did you mean "idleTimeoutSec"?',
    ]);
    expect(error.message).toMatch(/^configuration has 2 problems:/);
  });

  it('lists the known keys when nothing is close', () => {
    const error = errorOf(() => parseConfig({ host: { zzz: 1 } }));
    expect(error.problems).toEqual(['host.zzz: unknown key; known keys here: port, bind']);
  });

  it('refuses a warning shorter than WCAG 2.2.1 allows and a non-loopback bind', () => {
    const error = errorOf(() => parseConfig({ session: { idleWarningSec: 10 }, host: { bind: '0.0.0.0' } }));
    expect(error.problems[0]).toMatch(/^session\.idleWarningSec: .*20/);
    expect(error.problems[1]).toMatch(/^host\.bind: /);
  });

  it('reports a missing file and broken JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-config-'));
    expect(errorOf(() => loadConfig(join(dir, 'missing.json'))).message).toBe(
      `Cannot read configuration file ${join(dir, 'missing.json')} (ENOENT).`,
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "booth": { "id": "A" ');
    expect(errorOf(() => loadConfig(broken)).message).toMatch(/is not valid JSON/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ booth: { id: 'JKT-TIMUR-03' } }));
    expect(loadConfig(good).booth.id).toBe('JKT-TIMUR-03');
  });
});
