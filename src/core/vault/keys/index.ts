export {
  deriveKeySeeds,
  ed25519FromSeed,
  ed25519PublicKey,
  keyProviderKinds,
  keysFromSeeds,
  rawEd25519PublicKey,
  ROOT_SECRET_BYTES,
  type KeyFailureReason,
  type KeyProvider,
  type KeyProviderKind,
  type RootSecretResult,
  type VaultKeys,
  type VaultKeySeeds,
} from './keyProvider';
export { createDevelopmentKeyProvider, DEVELOPMENT_KEY_FILE, DEVELOPMENT_KEY_WARNING } from './developmentKeys';
export { createTpmKeyProvider, TPM_PRIVATE_FILE, TPM_PUBLIC_FILE, type TpmKeyProviderOptions } from './tpmKeys';
export { createWrappedKeyProvider, INSECURE_BACKENDS, WRAPPED_KEY_FILE, type OsKeyStore } from './wrappedKeys';
