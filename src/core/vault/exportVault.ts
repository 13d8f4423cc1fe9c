// `booth vault export`: the technician's way to carry unacknowledged
// records out of a booth that stays offline. It opens the vault with the
// booth's own keys, read-only (the booth may be running: WAL lets a reader
// in beside the writer), and writes the signed export folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openVaultDatabase } from './database';
import { exportPending, type ExportManifest } from './exportPending';
import { deriveKeySeeds, keysFromSeeds, type KeyProvider } from './keys';
import { VAULT_FILE } from './vault';

export type VaultExport = { ok: true; folder: string; manifest: ExportManifest } | { ok: false; reason: string; message: string };

export async function exportVault(options: { dir: string; keyProvider: KeyProvider; boothId: string; to: string }): Promise<VaultExport> {
  // Checked first: asking a provider for the root of a folder without a vault would make new keys there.
  if (!existsSync(join(options.dir, VAULT_FILE)))
    return {
      ok: false,
      reason: 'NO_VAULT',
      message: `there is no vault in ${options.dir} (vault.dir in the configuration): nothing to export`,
    };
  const root = await options.keyProvider.rootSecret();
  if (!root.ok) return { ok: false, reason: root.reason, message: root.message };
  const keys = keysFromSeeds(deriveKeySeeds(root.root));
  root.root.fill(0);
  const opened = openVaultDatabase(join(options.dir, VAULT_FILE), keys.databaseKey, { readonly: true });
  keys.databaseKey.fill(0);
  if (!opened.ok) return { ok: false, reason: opened.reason, message: opened.message };
  try {
    const { folder, manifest } = exportPending(opened.db, {
      parent: options.to,
      boothId: options.boothId,
      signingKey: keys.signingKey,
      publicKey: keys.signingPublicKey,
    });
    return { ok: true, folder, manifest };
  } catch (error) {
    return { ok: false, reason: 'EXPORT_FAILED', message: (error as Error).message };
  } finally {
    opened.db.close();
  }
}
