// `booth vault status`: what the technician needs to know about the vault,
// read without changing anything (the booth may be running beside it):
// the key provider and its warning, the upstream key, the booth's public
// key, the outbox counts and recent errors, and the free space against the
// guard's threshold.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freeSpaceAt } from './freeSpace';
import { rawEd25519PublicKey } from './keys';
import { openVaultReadOnly } from './readOnly';
import { VaultStore, type OutboxRow, type VaultCounts } from './store';
import type { VaultSetup } from './fromConfig';

export interface VaultInspection {
  dir: string;
  keyProvider: string;
  keyWarning: string | null;
  upstreamKey: { id: string; demo: boolean };
  /** Null, or why the vault cannot be read (no vault yet, wrong key, keys unavailable). */
  unavailable: { reason: string; message: string } | null;
  boothPublicKey: string | null;
  counts: VaultCounts | null;
  /** Rows whose last send failed, newest attempt first (no content: there is none in clear). */
  failing: OutboxRow[];
  freeBytes: number | null;
  minFreeBytes: number;
  /** Whether the booth would let a new citizen start. */
  admitting: boolean;
}

export async function inspectVault(setup: VaultSetup): Promise<VaultInspection> {
  const space = freeSpaceAt(existsSync(setup.dir) ? setup.dir : join(setup.dir, '..'));
  const base = {
    dir: setup.dir,
    keyProvider: setup.keyProvider.kind,
    keyWarning: setup.keyProvider.warning,
    upstreamKey: { id: setup.upstreamKey.id, demo: setup.upstreamKey.demo },
    freeBytes: space.ok ? space.freeBytes : null,
    minFreeBytes: setup.minFreeBytes,
    boothPublicKey: null,
    counts: null,
    failing: [],
  };
  const unavailable = (reason: string, message: string): VaultInspection => ({
    ...base,
    unavailable: { reason, message },
    admitting: false,
  });
  const opened = await openVaultReadOnly(setup.dir, setup.keyProvider);
  if (!opened.ok) return unavailable(opened.reason, opened.message);
  const { keys } = opened;
  try {
    const store = new VaultStore(opened.db);
    const failing = store
      .rows({ state: 'pending' })
      .filter((row) => row.lastError !== null)
      .sort((a, b) => (b.lastAttemptAt ?? 0) - (a.lastAttemptAt ?? 0))
      .slice(0, 10);
    return {
      ...base,
      unavailable: null,
      boothPublicKey: rawEd25519PublicKey(keys.signingPublicKey).toString('base64url'),
      counts: store.counts(),
      failing,
      admitting: base.freeBytes !== null && base.freeBytes >= setup.minFreeBytes,
    };
  } finally {
    opened.db.close();
  }
}
