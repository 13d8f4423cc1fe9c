// The booth's configuration file. Every section is strict: a misspelt key
// is an error that names the nearest known key, never silently ignored.
import { z } from 'zod';
import { KEEPALIVE_INTERVAL_SEC } from '../../shared/contract/schemas';
import { cameraSettingsSchema, faceSettingsSchema } from '../../shared/face/settings';
import { MAX_CARD_READ_DEADLINE_MS } from '../../shared/contract/contract';

const sessionSchema = z
  .object({
    /** Seconds without a touch before the "are you still there?" warning. */
    idleTimeoutSec: z.int().min(15).max(600).default(60),
    /** Countdown of that warning; WCAG 2.2.1 asks for at least 20 s. */
    idleWarningSec: z.int().min(20).max(300).default(30),
    /**
     * Extra seconds after the warning before the core wipes the session on its
     * own, in case the screen is frozen or gone. The renderer wipes first:
     * the grace must exceed the renderer's keep-alive interval.
     */
    expiryGraceSec: z
      .int()
      .min(KEEPALIVE_INTERVAL_SEC + 5)
      .max(300)
      .default(KEEPALIVE_INTERVAL_SEC + 10),
  })
  .strict();

const hostSchema = z
  .object({
    /** 0 picks a free port at each launch. */
    port: z.int().min(0).max(65535).default(0),
    /** Loopback only: the contract must never be reachable from the network. */
    bind: z.enum(['127.0.0.1', '::1']).default('127.0.0.1'),
  })
  .strict();

const loggingSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

const samSecretsSchema = z
  .object({
    /** 32 bytes as 64 hex digits each, issued with the SAM. Never logged. */
    pcid: z.string().regex(/^[0-9a-fA-F]{64}$/, 'PCID must be 64 hex digits (32 bytes)'),
    conf: z.string().regex(/^[0-9a-fA-F]{64}$/, 'CONF must be 64 hex digits (32 bytes)'),
  })
  .strict();

/** Longest a whole card read may take, in ms, before the booth (and `booth card read`) gives up with TIMEOUT. */
const readDeadlineMs = z.int().min(100).max(MAX_CARD_READ_DEADLINE_MS).default(20_000);

/** Which e-KTP reader the booth drives; the simulated one by default. */
const cardSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('none') }).strict(),
  z
    .object({
      driver: z.literal('pcsc'),
      cardReader: z.string().min(1),
      samReader: z.string().min(1),
      sam: samSecretsSchema,
      /**
       * For readers that switch to the SAM slot with a vendor escape command, e.g. { "command": "6892010003010000", "controlCode":
       * 3500 }.
       */
      samSlotEscape: z
        .object({
          command: z.string().regex(/^([0-9a-fA-F]{2}){1,64}$/, 'the escape command is hex bytes'),
          controlCode: z.int().min(0).max(0xffff).default(3500),
        })
        .strict()
        .optional(),
      readDeadlineMs,
    })
    .strict(),
  z
    .object({
      driver: z.literal('serial'),
      path: z.string().min(1),
      baudRate: z.int().min(1200).max(4_000_000).default(115200),
      sam: samSecretsSchema,
      readDeadlineMs,
    })
    .strict(),
  /** A HID reader module, by USB vendor and product id. */
  z
    .object({
      driver: z.literal('hid'),
      vendorId: z.int().min(0).max(0xffff),
      productId: z.int().min(0).max(0xffff),
      sam: samSecretsSchema,
      readDeadlineMs,
    })
    .strict(),
  z
    .object({
      driver: z.literal('emulated-serial'),
      /** Which synthetic citizen's card lies on the simulated reader: an index into card/emulator/identities.ts. */
      identity: z.int().min(0).max(3).default(0),
      baudRate: z.int().min(1200).max(4_000_000).default(115200),
      readDeadlineMs,
      /**
       * How the emulator is linked to the serial driver: a socat pseudo-terminal pair, an in-process line, or the pair when socat
       * is installed.
       */
      link: z.enum(['auto', 'pty', 'in-process']).default('auto'),
    })
    .strict(),
]);

const devicesSchema = z
  .object({
    card: cardSchema.default({ driver: 'emulated-serial', identity: 0, baudRate: 115200, link: 'auto', readDeadlineMs: 20_000 }),
    /**
     * The booth camera (getUserMedia in the renderer); null: the booth has none and skips nothing, it says the face step is
     * unavailable.
     */
    camera: cameraSettingsSchema.nullable().prefault({}),
  })
  .strict();

/** Spoken guidance (issue 11): the generated voice ships with the booth; a voice pack replaces it key by key. */
const speechSchema = z
  .object({
    /** The volume every session starts at, 0.2 to 1 (Section 508 §402.3.1: reset to the default after each use). */
    defaultVolume: z.number().min(0.2).max(1).default(0.8),
    /** A folder of recordings named "<catalogue key>.<lang>.ogg" or ".wav", checked at start (src/core/speech). */
    voicePackDir: z.string().min(1).optional(),
  })
  .strict();

/**
 * The project's demonstration upstream key (resources/demo-upstream/demo-upstream-key.json, private half included, for the
 * reference upstream): `npm start` works out of the box with it, and every log line and status says it is a demo.
 */
export const DEMO_UPSTREAM_KEY = {
  id: 'demo-upstream-2026-12',
  publicKey: 'JLBuN5JVg3QJU_0EnD8JKpSwMJOlrXiEOyzvvWvaHFM',
  demo: true,
} as const;
/** The development passphrase `npm start` uses unless the configuration gives another. */
export const DEVELOPMENT_PASSPHRASE = 'anjungan-ikd-development-only';

const vaultKeysSchema = z.discriminatedUnion('provider', [
  /** Keys derived from a passphrase: for development and demos only (the booth warns loudly). */
  z.object({ provider: z.literal('development'), passphrase: z.string().min(12).max(200).default(DEVELOPMENT_PASSPHRASE) }).strict(),
  /** The root key sealed by the booth's TPM 2.0, through tpm2-tools and this TCTI. */
  z
    .object({
      provider: z.literal('tpm'),
      tcti: z
        .string()
        .regex(/^(device|swtpm|mssim|tabrmd)(:[^\s]*)?$/, 'a TCTI such as "device:/dev/tpmrm0" or "swtpm:host=127.0.0.1,port=2321"')
        .default('device:/dev/tpmrm0'),
    })
    .strict(),
  /** The root key wrapped by the OS key store through Electron's safeStorage (the Electron shell only). */
  z.object({ provider: z.literal('safe-storage') }).strict(),
]);

const vaultSchema = z
  .object({
    /** The vault's folder (the encrypted database and its protected keys); a relative path is taken from the working folder. */
    dir: z.string().min(1).default('booth-data/vault'),
    keys: vaultKeysSchema.default({ provider: 'development', passphrase: DEVELOPMENT_PASSPHRASE }),
    /** The upstream's X25519 public key that enrollments are sealed to (provisioning will set it; until then, configuration). */
    upstreamKey: z
      .object({
        id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1 to 64 letters, digits, dots, dashes or underscores'),
        publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an X25519 public key: 32 bytes as 43 base64url characters'),
        /** The project's demonstration key (its private half is public). */
        demo: z.boolean().default(false),
      })
      .strict()
      .default(DEMO_UPSTREAM_KEY),
    /** Below this many MB free on the vault's disk, the booth takes no new citizen (the welcome screen says out of service). */
    minFreeMb: z.number().min(1).max(1_000_000).default(200),
    /** Days an enrollment stays on the booth after the upstream acknowledged it. */
    retentionDays: z.number().min(0).max(3650).default(30),
  })
  .strict();

/** The demonstration upstream's acknowledgement key (Ed25519, the `signing` half of demo-upstream-key.json). */
export const DEMO_UPSTREAM_SIGNING_KEY = 'zvFnQz8Grfc_NY8PHdfFIrss1TC3w4YDl4IZrQqUGMs';
/** Where `npm run upstream` listens by default. */
export const DEFAULT_UPSTREAM_URL = 'http://127.0.0.1:8787';

/** Upstream sync (issue 14): where the booth sends its sealed enrollments, and how it retries. */
const syncSchema = z
  .object({
    /** The upstream's base URL; null: this booth does not sync (enrollments wait in the vault for an export). */
    upstreamUrl: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL, or null' })
      .nullable()
      .default(DEFAULT_UPSTREAM_URL),
    /** The upstream's Ed25519 public key that signs its acknowledgements (43 base64url characters). */
    upstreamSigningKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'an Ed25519 public key: 32 bytes as 43 base64url characters')
      .default(DEMO_UPSTREAM_SIGNING_KEY),
    /** Records in one request. */
    batchSize: z.int().min(1).max(64).default(25),
    /** Full-jitter backoff after a failure: a random wait up to min(capMs, baseMs · 2^failures). */
    backoff: z
      .object({ baseMs: z.int().min(100).max(60_000).default(1_000), capMs: z.int().min(1_000).max(3_600_000).default(60_000) })
      .strict()
      .prefault({}),
    /** How often the booth tells the upstream how it is (and looks for records that became due). */
    heartbeatSeconds: z.int().min(5).max(3_600).default(60),
    /** How long one request may take. */
    requestTimeoutMs: z.int().min(1_000).max(300_000).default(30_000),
    /** Present this booth's key to an upstream that does not know it (only an upstream with open registration accepts). */
    register: z.boolean().default(true),
  })
  .strict();

/** Officer sign-off (issue 15): the evidence token the booth shows as a QR. */
const signoffSchema = z
  .object({
    /** How long one token is valid; the screen renews it before it runs out. At most 15 minutes (MAX_LIFETIME_SEC). */
    tokenTtlSec: z.int().min(60).max(900).default(180),
  })
  .strict();

export const boothConfigSchema = z
  .object({
    booth: z
      .object({
        /** Shown to officers and sent upstream; letters, digits and dashes. */
        id: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/, 'use 1 to 64 letters, digits or dashes')
          .default('BOOTH-DEMO-01'),
      })
      .strict()
      .prefault({}),
    session: sessionSchema.prefault({}),
    host: hostSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    devices: devicesSchema.prefault({}),
    face: faceSettingsSchema.prefault({}),
    speech: speechSchema.prefault({}),
    vault: vaultSchema.prefault({}),
    sync: syncSchema.prefault({}),
    signoff: signoffSchema.prefault({}),
  })
  .strict();

export type BoothConfig = z.output<typeof boothConfigSchema>;
export type BoothConfigInput = z.input<typeof boothConfigSchema>;
