// The vault's root secret under Electron's safeStorage (DPAPI, Keychain,
// libsecret or kwallet), for vault.keys.provider "safe-storage". The core
// runs in a utilityProcess, where safeStorage does not exist: main unwraps
// the root (or makes and wraps it on first start) with the core's own
// wrapped-key provider, which refuses Linux's plain-text fallback, and
// hands it to the core process in its start message.
import { safeStorage } from 'electron';
import { join, resolve } from 'node:path';
import { createWrappedKeyProvider, KEYS_FOLDER, type OsKeyStore } from '../core/vault';
import type { BoothConfig } from '../core/config';

export const electronKeyStore: OsKeyStore = {
  // getSelectedStorageBackend exists on Linux only; elsewhere the OS store is the platform's own.
  backend: () =>
    process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'win32' ? 'dpapi' : 'keychain',
  isAvailable: () => safeStorage.isEncryptionAvailable(),
  wrap: (plain) => safeStorage.encryptString(plain.toString('base64')),
  unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
};

/** What the core's start message carries for the vault: nothing unless the configuration asks for safe-storage. */
export async function vaultRootForCore(
  vault: BoothConfig['vault'],
): Promise<{ root: string } | { reason: string; message: string } | undefined> {
  if (vault.keys.provider !== 'safe-storage') return undefined;
  const provider = createWrappedKeyProvider({ keysDir: join(resolve(vault.dir), KEYS_FOLDER), store: electronKeyStore });
  const root = await provider.rootSecret();
  if (!root.ok) return { reason: root.reason, message: root.message };
  const encoded = root.root.toString('base64');
  root.root.fill(0);
  return { root: encoded };
}
