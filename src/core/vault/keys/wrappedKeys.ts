// A KeyProvider over an OS key store that wraps bytes for this user, such
// as Electron's safeStorage (the shell passes its functions in; the core
// never imports electron). The wrapped root lies next to the vault; only
// the same OS account on the same machine unwraps it. Linux without a
// keyring falls back to a hard-coded password ('basic_text'): refused, as
// that protects nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusive } from './keyFile';
import { ROOT_SECRET_BYTES, type KeyProvider, type RootSecretResult } from './keyProvider';

export const WRAPPED_KEY_FILE = 'root-key.safe-storage';

export interface OsKeyStore {
  /** e.g. Electron's safeStorage.getSelectedStorageBackend() on Linux, 'dpapi' or 'keychain' elsewhere. */
  backend(): string;
  isAvailable(): boolean;
  wrap(plain: Buffer): Buffer;
  unwrap(wrapped: Buffer): Buffer;
}

/** Backends that protect nothing: the key would be as good as stored in clear. */
export const INSECURE_BACKENDS = ['basic_text', 'unknown'] as const;

export function createWrappedKeyProvider(options: { keysDir: string; store: OsKeyStore }): KeyProvider {
  const file = join(options.keysDir, WRAPPED_KEY_FILE);
  const { store } = options;
  return {
    kind: 'safe-storage',
    warning: null,
    async rootSecret(): Promise<RootSecretResult> {
      if (!store.isAvailable())
        return { ok: false, reason: 'KEY_STORE_UNAVAILABLE', message: 'the OS key store is not available to this booth' };
      const backend = store.backend();
      if ((INSECURE_BACKENDS as readonly string[]).includes(backend))
        return {
          ok: false,
          reason: 'KEY_STORE_INSECURE',
          message: `the OS key store uses the "${backend}" backend, which protects nothing: install a keyring (gnome-keyring, kwallet) or use the TPM provider`,
        };
      if (!existsSync(file)) {
        const root = randomBytes(ROOT_SECRET_BYTES);
        if (writeFileExclusive(file, store.wrap(root)) === 'written') return { ok: true, root, created: true };
        root.fill(0);
      }
      try {
        const root = store.unwrap(readFileSync(file));
        if (root.length !== ROOT_SECRET_BYTES) throw new Error(`unwrapped ${root.length} bytes`);
        return { ok: true, root, created: false };
      } catch (error) {
        return { ok: false, reason: 'KEY_UNREADABLE', message: `the OS key store did not unwrap ${file}: ${(error as Error).message}` };
      }
    },
  };
}
