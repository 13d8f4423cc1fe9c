// The messages between a shell (the headless host, Electron's main process)
// and the core process it supervises. Calls and their results are the
// citizen contract's own envelopes (the core's dispatcher checks calls, the
// shell's checks results again); the rest is start-up, wipe and stop. Each
// side checks what it receives against these schemas.
import { z } from 'zod';
import { wipeReasonSchema } from '../../shared/contract/schemas';

/** What the shell tells the core to start with: the same inputs composeBooth takes. */
export const coreStartSchema = z
  .object({
    type: z.literal('start'),
    /** A JSON configuration file; ignored when `config` is given. */
    configPath: z.string().optional(),
    /** A configuration object (tests); checked by the core's own config schema. */
    config: z.unknown().optional(),
    version: z.string().min(1).max(64),
    /** The built renderer folder: its models/ are checked against the manifest. */
    rendererDir: z.string().optional(),
    /** An installed booth (Electron's app.isPackaged): it ships no emulator, so its card driver must be set. */
    packaged: z.boolean().optional(),
    /**
     * vault.keys.provider "safe-storage": the vault's root secret as the shell unwrapped it with the OS key store (base64, 32
     * bytes), or why it could not. The core process has no key store of its own (Electron's safeStorage is main's only).
     */
    vaultRoot: z
      .union([
        z.object({ root: z.base64().refine((b64) => Buffer.from(b64, 'base64').length === 32, 'the root secret is 32 bytes') }).strict(),
        z.object({ reason: z.string().max(64), message: z.string().max(2_000) }).strict(),
      ])
      .optional(),
  })
  .strict();
export type CoreStart = z.infer<typeof coreStartSchema>;

export const toCoreSchema = z.discriminatedUnion('type', [
  coreStartSchema,
  z.object({ type: z.literal('call'), envelope: z.unknown() }).strict(),
  z.object({ type: z.literal('wipe'), reason: wipeReasonSchema }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
]);
export type ToCore = z.infer<typeof toCoreSchema>;

export const fromCoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.int().positive() }).strict(),
  z.object({ type: z.literal('failed'), kind: z.enum(['config', 'internal']), message: z.string().max(8_000) }).strict(),
  z.object({ type: z.literal('result'), envelope: z.unknown() }).strict(),
  z.object({ type: z.literal('event'), event: z.string().max(64), payload: z.unknown() }).strict(),
  z.object({ type: z.literal('stopped') }).strict(),
]);
export type FromCore = z.infer<typeof fromCoreSchema>;
