// Configuration → logger → booth, the same way for Electron main and the
// headless host, so both run exactly the same core.
import type { DestinationStream } from 'pino';
import {
  ConfigError,
  configError,
  DEMO_UPSTREAM_KEY,
  DEMO_UPSTREAM_SIGNING_KEY,
  loadConfig,
  parseConfig,
  type BoothConfig,
  type BoothConfigInput,
} from '../config';
import { createLogger, type Logger } from '../logging';
import { isAbsolute, join } from 'node:path';
import { openVault, vaultSetup, type OsKeyStore, type Vault } from '../vault';
import {
  createFaceMatcher,
  LANDMARKER_FILE,
  modelManifest,
  verifyCoreModels,
  verifyModels,
  type FaceMatcher,
  type VerifiedModels,
} from '../face';
import { checkVoicePack } from '../speech';
import { createBooth, type Booth } from './booth';
import type { SessionClock } from '../session';
import type { OfficerCallNotifier } from '../help';

export interface ComposeOptions {
  /** A JSON file to read; ignored when `config` is given. */
  configPath?: string;
  /** A configuration object (tests, bench). */
  config?: BoothConfigInput;
  version: string;
  logDestination?: DestinationStream;
  clock?: SessionClock;
  /** The built renderer folder: its models/ are checked against the manifest. */
  rendererDir?: string;
  /** Already-checked models (tests); otherwise they are read from rendererDir. */
  faceModels?: VerifiedModels;
  /** An installed booth: it ships no card emulator, so the configuration must name a real driver (or none). */
  packaged?: boolean;
  /**
   * Keep the verified model bytes for a shell to serve (booth.faceModelFiles). The core process checks the models only for its
   * face step and lets the 28 MB go; its shell serves its own verified copy.
   */
  keepModelFiles?: boolean;
  /** The officer console's hook (help.callOfficer); the default only logs. */
  officerCalls?: OfficerCallNotifier;
  /**
   * The core's own models (face_detector.onnx, face_embedding.onnx), checked against the manifest's coreFiles. Default: the
   * build's core-models folder beside the renderer folder; with neither, the booth has no face matcher.
   */
  coreModelsDir?: string;
  /** An already-made face matcher (tests); otherwise one is made from coreModelsDir. */
  faceMatcher?: FaceMatcher | null;
  /** The OS key store for vault.keys.provider "safe-storage", when it is in this process (tests). */
  osKeyStore?: OsKeyStore;
  /** For "safe-storage" in the core process: the root the Electron shell unwrapped with safeStorage, or why it could not. */
  vaultRoot?: { root: string } | { reason: string; message: string };
}

export interface ComposedBooth {
  config: BoothConfig;
  logger: Logger;
  booth: Booth;
}

/**
 * Rejects with ConfigError (with every problem listed) for a bad configuration. Async: drivers are chosen, and the emulators
 * loaded only when configured, here; the booth's stop() closes them.
 */
export async function composeBooth(options: ComposeOptions): Promise<ComposedBooth> {
  const config = options.config !== undefined ? parseConfig(options.config) : loadConfig(options.configPath);
  if (options.packaged && config.devices.card.driver === 'emulated-serial') {
    const problem =
      'devices.card.driver: an installed booth has no card emulator (the default is for trying the booth out); set it to "pcsc", "serial", "hid" or "none" (README, Real hardware)';
    throw new ConfigError(
      `${options.configPath ? `Configuration file ${options.configPath}` : 'configuration'} has 1 problem:
  - ${problem}`,
      [problem],
    );
  }
  // A voice pack that cannot be used is the deployment's mistake: the booth does not start, and says which file and why.
  const voicePack = config.speech.voicePackDir ? checkVoicePack(config.speech.voicePackDir) : { ok: true as const, files: new Map() };
  if (!voicePack.ok)
    throw configError(options.configPath ? `Configuration file ${options.configPath}` : 'configuration', voicePack.problems);
  const source = options.configPath ? `Configuration file ${options.configPath}` : 'configuration';
  if (options.packaged) {
    const problems = [
      config.vault.keys.provider === 'development' &&
        'vault.keys.provider: an installed booth does not keep enrollments under development keys; use "tpm" (or "safe-storage" in the Electron shell)',
      !isAbsolute(config.vault.dir) &&
        `vault.dir: an installed booth keeps its vault at an absolute path (given: "${config.vault.dir}"), not one that depends on the folder it was started from`,
      (config.vault.upstreamKey.demo || config.vault.upstreamKey.publicKey === DEMO_UPSTREAM_KEY.publicKey) &&
        "vault.upstreamKey: an installed booth does not seal enrollments to the project's demonstration key; set the upstream's own key",
      config.sync.upstreamUrl !== null &&
        config.sync.upstreamSigningKey === DEMO_UPSTREAM_SIGNING_KEY &&
        "sync.upstreamSigningKey: an installed booth does not trust acknowledgements signed with the project's demonstration key; set the upstream's own key",
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0) throw configError(source, problems);
  }
  const setup = vaultSetup(config.vault, {
    osKeyStore: options.osKeyStore,
    unwrappedRoot: options.vaultRoot && ('root' in options.vaultRoot ? Buffer.from(options.vaultRoot.root, 'base64') : options.vaultRoot),
  });
  if ('problem' in setup) throw configError(source, [setup.problem]);
  const logger = createLogger({ level: config.logging.level, destination: options.logDestination, base: { boothId: config.booth.id } });
  const faceModels =
    options.faceModels ??
    (options.rendererDir
      ? verifyModels(join(options.rendererDir, 'models'), modelManifest, { keepBytes: options.keepModelFiles !== false })
      : {
          ok: false as const,
          problems: [
            { file: LANDMARKER_FILE, problem: 'missing' as const, message: 'No renderer folder was given, so no face models were loaded.' },
          ],
        });
  const coreModelsDir = options.coreModelsDir ?? (options.rendererDir ? join(options.rendererDir, '..', 'core-models') : undefined);
  // The matcher starts its worker and self-test now; the booth serves meanwhile, and a verification waits for the verdict.
  const faceMatcher: FaceMatcher | null =
    options.faceMatcher !== undefined
      ? options.faceMatcher
      : coreModelsDir && config.devices.camera
        ? createFaceMatcher({ models: verifyCoreModels(coreModelsDir, modelManifest), settings: config.face.match, logger })
        : null;
  // The vault opens meanwhile (a TPM can take a second or two); the first citizen's start waits for it.
  const vault: Promise<Vault> = openVault({ ...setup, boothId: config.booth.id, logger });
  let booth: Booth;
  try {
    booth = await createBooth({
      vault,
      faceMatcher,
      config,
      logger,
      version: options.version,
      clock: options.clock,
      faceModels,
      officerCalls: options.officerCalls,
      voicePack: voicePack.files,
    });
  } catch (error) {
    // A booth that does not start leaves no writer thread behind.
    void vault.then((opened) => opened.stop());
    throw error;
  }
  return { config, logger, booth };
}
