// Opening the vault read-only with the booth's own keys, for the
// technician's commands (status, export) while the booth may be running:
// WAL lets a reader in beside the writer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { openVaultDatabase } from './database';
import { deriveKeySeeds, keysFromSeeds, type KeyProvider, type VaultKeys } from './keys';
import { VAULT_FILE } from './vault';

export type OpenedReadOnly =
  { ok: true; db: Database; keys: Omit<VaultKeys, 'databaseKey'> } | { ok: false; reason: string; message: string };

/** The vault in `dir`, read-only; NO_VAULT when there is none (checked first: asking a provider would make new keys). */
export async function openVaultReadOnly(dir: string, keyProvider: KeyProvider): Promise<OpenedReadOnly> {
  if (!existsSync(join(dir, VAULT_FILE)))
    return { ok: false, reason: 'NO_VAULT', message: `there is no vault in ${dir} yet: the booth makes it at its first start` };
  const root = await keyProvider.rootSecret();
  if (!root.ok) return { ok: false, reason: root.reason, message: root.message };
  const { databaseKey, ...keys } = keysFromSeeds(deriveKeySeeds(root.root));
  root.root.fill(0);
  const opened = openVaultDatabase(join(dir, VAULT_FILE), databaseKey, { readonly: true });
  databaseKey.fill(0);
  return opened.ok ? { ok: true, db: opened.db, keys } : { ok: false, reason: opened.reason, message: opened.message };
}
