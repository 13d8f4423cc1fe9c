// The enrollment vault: every finished enrollment sealed to the upstream's
// key, signed by the booth, stored in an encrypted SQLite database with its
// outbox row, by one writer thread. See the README, Enrollment vault.
export {
  openVault,
  VAULT_FILE,
  KEYS_FOLDER,
  type Admission,
  type CommitFailureReason,
  type UpstreamKey,
  type Vault,
  type VaultCommit,
  type VaultOptions,
  type VaultStatus,
} from './vault';
export {
  checkSealedRecord,
  cbor,
  recordAad,
  recordKinds,
  sealRecord,
  HPKE_INFO,
  RECORD_VERSION,
  type CheckedRecord,
  type RecordHeader,
  type RecordKind,
  type SealedRecord,
} from './record';
export { openVaultDatabase, type OpenFailure } from './database';
export { migrate, migrations, SCHEMA_VERSION } from './migrations';
export { VaultStore, outboxStates, type OutboxRow, type OutboxState, type VaultCounts, type WriteFailureReason } from './store';
export { checkExport, exportPending, EXPORT_FORMAT, type ExportCheck, type ExportManifest, type ManifestEntry } from './exportPending';
export { exportVault, type VaultExport } from './exportVault';
export { freeSpaceAt } from './freeSpace';
export { nikHmac } from './nikHash';
export { uuidv7, UUIDV7_PATTERN } from './uuidv7';
export { openBase, rawX25519, x25519PublicKey } from './hpke';
export * from './keys';
export {
  createEnrollmentStep,
  enrollmentContent,
  type EnrollmentSources,
  type EnrollmentStep,
  type EnrollmentStepOptions,
  type SavedEnrollment,
} from './enrollmentStep';
export { vaultSetup, type VaultSetup } from './fromConfig';
export { inspectVault, type VaultInspection } from './inspectVault';
export { openVaultReadOnly, type OpenedReadOnly } from './readOnly';
export type { VaultWriterApi } from './vaultWriterApi';
