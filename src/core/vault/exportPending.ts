// Export of the records the upstream has not acknowledged, for a booth that
// stays offline for weeks: a technician carries the folder to a connected
// machine and the upstream imports it (issue 14). Nothing is opened or
// re-sealed: each record goes out as the vault holds it, sealed to the
// upstream and signed by the booth. The folder:
//
//   <boothId>-<UTC time>/
//     records/<id>.cbor     one sealed record each (record.ts)
//     SHA256SUMS            "<sha256 hex>  records/<id>.cbor", as sha256sum -c reads it
//     manifest.json         what is in the folder (format below), written last
//     manifest.json.sig     Ed25519 signature of manifest.json's bytes by the booth's key
//
// A folder without a manifest is an export that did not finish: refused.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { ed25519PublicKey, rawEd25519PublicKey } from './keys';
import { writeFileDurably } from './keys/keyFile';
import { checkSealedRecord, type RecordKind } from './record';
import { VaultStore } from './store';
import { UUIDV7_PATTERN } from './uuidv7';

export const EXPORT_FORMAT = 'anjungan-ikd/vault-export/v1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.sig';
export const CHECKSUM_FILE = 'SHA256SUMS';

export interface ManifestEntry {
  id: string;
  kind: RecordKind;
  about: string | null;
  /** ISO 8601. */
  createdAt: string;
  file: string;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  boothId: string;
  /** base64url of the booth's raw Ed25519 public key: the upstream compares it with the key it registered for this booth. */
  boothPublicKey: string;
  exportedAt: string;
  records: ManifestEntry[];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes every pending (or interrupted) record of `db` into a new folder under `parent`; returns the folder and the manifest. */
export function exportPending(
  db: Database,
  options: { parent: string; boothId: string; signingKey: KeyObject; publicKey: KeyObject; now?: Date },
): { folder: string; manifest: ExportManifest } {
  const now = options.now ?? new Date();
  const folder = join(resolve(options.parent), `${options.boothId}-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`);
  if (existsSync(folder)) throw new Error(`${folder} exists already: export again in a moment, or to another folder`);
  mkdirSync(join(folder, 'records'), { recursive: true, mode: 0o700 });
  const store = new VaultStore(db);
  const entries: ManifestEntry[] = [];
  for (const state of ['pending', 'sending'] as const) {
    for (const row of store.rows({ state, limit: 1_000_000 })) {
      const sealed = store.sealed(row.id);
      if (!sealed) continue;
      const file = `records/${row.id}.cbor`;
      writeFileDurably(join(folder, file), sealed);
      entries.push({
        id: row.id,
        kind: row.kind,
        about: row.about,
        createdAt: new Date(row.createdAt).toISOString(),
        file,
        bytes: sealed.length,
        sha256: sha256(sealed),
      });
    }
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    boothId: options.boothId,
    boothPublicKey: rawEd25519PublicKey(options.publicKey).toString('base64url'),
    exportedAt: now.toISOString(),
    records: entries,
  };
  writeFileDurably(join(folder, CHECKSUM_FILE), Buffer.from(entries.map((e) => `${e.sha256}  ${e.file}\n`).join('')));
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileDurably(join(folder, SIGNATURE_FILE), sign(null, manifestBytes, options.signingKey));
  writeFileDurably(join(folder, MANIFEST_FILE), manifestBytes);
  return { folder, manifest };
}

export interface ExportCheck {
  ok: boolean;
  manifest: ExportManifest | null;
  /** The records whose bytes, checksum and booth signature all hold. */
  valid: Array<{ entry: ManifestEntry; sealed: Uint8Array }>;
  /** Everything that does not hold, one line each. */
  problems: string[];
}

/**
 * Reads an export back and checks all of it: the manifest's signature, each
 * file's size and SHA-256, each record's booth signature and that its header
 * agrees with the manifest. `boothPublicKey`: the key the reader trusts for
 * this booth (default: the manifest's own, which proves integrity, not origin).
 */
export function checkExport(folder: string, boothPublicKey?: KeyObject): ExportCheck {
  const problems: string[] = [];
  const valid: ExportCheck['valid'] = [];
  let manifestBytes: Buffer;
  let manifest: ExportManifest;
  try {
    manifestBytes = readFileSync(join(folder, MANIFEST_FILE));
    manifest = JSON.parse(manifestBytes.toString('utf8')) as ExportManifest;
  } catch (error) {
    return {
      ok: false,
      manifest: null,
      valid,
      problems: [`no readable ${MANIFEST_FILE} (an export that did not finish?): ${(error as Error).message}`],
    };
  }
  if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.records))
    return { ok: false, manifest: null, valid, problems: [`${MANIFEST_FILE} is not a ${EXPORT_FORMAT} manifest`] };
  let key: KeyObject;
  try {
    key = boothPublicKey ?? ed25519PublicKey(Buffer.from(manifest.boothPublicKey, 'base64url'));
  } catch {
    return { ok: false, manifest, valid, problems: ['the manifest names no valid booth key'] };
  }
  let signature: Buffer | null = null;
  try {
    signature = readFileSync(join(folder, SIGNATURE_FILE));
  } catch {
    problems.push(`${SIGNATURE_FILE} is missing`);
  }
  if (signature && !verify(null, manifestBytes, key, signature))
    problems.push(`${SIGNATURE_FILE}: the booth's signature does not match ${MANIFEST_FILE}`);
  const seen = new Set<string>();
  for (const entry of manifest.records) {
    const expectedFile = `records/${entry.id}.cbor`;
    if (
      typeof entry.id !== 'string' ||
      !UUIDV7_PATTERN.test(entry.id) ||
      entry.file !== expectedFile ||
      resolve(folder, entry.file).split(sep).includes('..')
    ) {
      problems.push(`manifest entry ${String(entry.id).slice(0, 40)}: not a record of this export`);
      continue;
    }
    if (seen.has(entry.id)) {
      problems.push(`${entry.id}: listed twice`);
      continue;
    }
    seen.add(entry.id);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(folder, entry.file));
    } catch {
      problems.push(`${entry.file}: missing`);
      continue;
    }
    if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) {
      problems.push(`${entry.file}: its checksum does not match the manifest`);
      continue;
    }
    const checked = checkSealedRecord(bytes, key);
    if (!checked.ok) {
      problems.push(`${entry.file}: ${checked.message}`);
      continue;
    }
    if (checked.record.id !== entry.id || checked.record.kind !== entry.kind || checked.record.boothId !== manifest.boothId) {
      problems.push(`${entry.file}: the record's header does not agree with the manifest`);
      continue;
    }
    valid.push({ entry, sealed: bytes });
  }
  return { ok: problems.length === 0, manifest, valid, problems };
}
