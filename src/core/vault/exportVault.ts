// `booth vault export`: the technician's way to carry unacknowledged
// records out of a booth that stays offline. It opens the vault with the
// booth's own keys, read-only (the booth may be running: WAL lets a reader
// in beside the writer), and writes the signed export folder.
import { exportPending, type ExportManifest } from './exportPending';
import type { KeyProvider } from './keys';
import { openVaultReadOnly } from './readOnly';

export type VaultExport = { ok: true; folder: string; manifest: ExportManifest } | { ok: false; reason: string; message: string };

export async function exportVault(options: { dir: string; keyProvider: KeyProvider; boothId: string; to: string }): Promise<VaultExport> {
  const opened = await openVaultReadOnly(options.dir, options.keyProvider);
  if (!opened.ok) return opened;
  const { keys } = opened;
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
