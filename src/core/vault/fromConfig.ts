// The vault's part of the configuration turned into what openVault takes:
// one place that picks the key provider, used by the composition root and
// the technician's command line alike.
import { join, resolve } from 'node:path';
import { DEMO_UPSTREAM_KEY, type BoothConfig } from '../config';
import { createDevelopmentKeyProvider, createTpmKeyProvider, createWrappedKeyProvider, type KeyProvider, type OsKeyStore } from './keys';
import { KEYS_FOLDER, type UpstreamKey } from './vault';
import type { KeyFailureReason, RootSecretResult } from './keys';

/** The root the Electron shell unwrapped with safeStorage (it checked the backend); handed out once. */
function unwrappedByShell(unwrapped: Buffer | { reason: string; message: string }): KeyProvider {
  return {
    kind: 'safe-storage',
    warning: null,
    rootSecret: async (): Promise<RootSecretResult> =>
      Buffer.isBuffer(unwrapped)
        ? { ok: true, root: Buffer.from(unwrapped), created: false }
        : { ok: false, reason: unwrapped.reason as KeyFailureReason, message: unwrapped.message },
  };
}

export interface VaultSetup {
  dir: string;
  keyProvider: KeyProvider;
  upstreamKey: UpstreamKey;
  minFreeBytes: number;
  retentionMs: number;
}

/** The setup, or the configuration problem that prevents it (a provider this process cannot use). */
export interface VaultSetupOptions {
  /** An OS key store in this process (safe-storage). */
  osKeyStore?: OsKeyStore;
  /** safe-storage unwrapped by another process (Electron's main, for the core process): the root, or why not. */
  unwrappedRoot?: Buffer | { reason: string; message: string };
}

export function vaultSetup(settings: BoothConfig['vault'], options: VaultSetupOptions = {}): VaultSetup | { problem: string } {
  const dir = resolve(settings.dir);
  const keysDir = join(dir, KEYS_FOLDER);
  let keyProvider: KeyProvider;
  switch (settings.keys.provider) {
    case 'development':
      keyProvider = createDevelopmentKeyProvider({ keysDir, passphrase: settings.keys.passphrase });
      break;
    case 'tpm':
      keyProvider = createTpmKeyProvider({ keysDir, tcti: settings.keys.tcti });
      break;
    case 'safe-storage':
      if (options.unwrappedRoot) {
        keyProvider = unwrappedByShell(options.unwrappedRoot);
        break;
      }
      if (!options.osKeyStore)
        return {
          problem:
            'vault.keys.provider: "safe-storage" needs the Electron shell (this process has no OS key store); use "tpm" or "development"',
        };
      keyProvider = createWrappedKeyProvider({ keysDir, store: options.osKeyStore });
      break;
  }
  return {
    dir,
    keyProvider,
    upstreamKey: {
      id: settings.upstreamKey.id,
      publicKey: Buffer.from(settings.upstreamKey.publicKey, 'base64url'),
      // The demonstration key is a demo whatever the flag says: its private half is public.
      demo: settings.upstreamKey.demo || settings.upstreamKey.publicKey === DEMO_UPSTREAM_KEY.publicKey,
    },
    minFreeBytes: settings.minFreeMb * 1e6,
    retentionMs: settings.retentionDays * 86_400_000,
  };
}
