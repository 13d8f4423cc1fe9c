// The vault's keys come from one 32-byte root secret that a KeyProvider
// makes on first use and keeps protected (sealed by the TPM, wrapped by the
// OS key store, or derived from a passphrase on a development machine).
// Never written in clear: what lies next to the database is useless alone.
// From the root, HKDF-SHA256 (RFC 5869) with a label per purpose derives:
//   - the database key (SQLCipher, raw 32 bytes),
//   - the booth's Ed25519 signing key (its 32-byte seed, RFC 8032 §5.1.5),
//   - the key of the NIK's HMAC (duplicate detection on this booth).
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';

export const keyProviderKinds = ['tpm', 'safe-storage', 'development'] as const;
export type KeyProviderKind = (typeof keyProviderKinds)[number];

export type KeyFailureReason =
  /** The key store cannot be reached (no TPM, tools missing, OS key store locked). */
  | 'KEY_STORE_UNAVAILABLE'
  /** The key store works but is not fit to hold the key (Electron's plain-text fallback). */
  | 'KEY_STORE_INSECURE'
  /** The development passphrase is not the one the key file was made with. */
  | 'WRONG_PASSPHRASE'
  /** The protected key file is damaged, or the key store refused to unwrap it (another TPM, another user). */
  | 'KEY_UNREADABLE';

export type RootSecretResult = { ok: true; root: Buffer; created: boolean } | { ok: false; reason: KeyFailureReason; message: string };

export interface KeyProvider {
  readonly kind: KeyProviderKind;
  /** Null, or why keys from this provider do not protect a booth in service (logged loudly, shown to the technician). */
  readonly warning: string | null;
  /** The root secret: made and protected on first use, unwrapped on later starts. */
  rootSecret(): Promise<RootSecretResult>;
}

export interface VaultKeys {
  databaseKey: Buffer;
  nikKey: Buffer;
  signingKey: KeyObject;
  signingPublicKey: KeyObject;
}

export const ROOT_SECRET_BYTES = 32;
const SALT = Buffer.from('anjungan-ikd/vault-keys/v1');
// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410 §7): this prefix, then the 32 bytes.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function derive(root: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, SALT, label, 32));
}

/** An Ed25519 private key from its 32-byte seed. */
export function ed25519FromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Raw seeds, for the writer thread (a KeyObject is rebuilt there). */
export interface VaultKeySeeds {
  databaseKey: Uint8Array;
  nikKey: Uint8Array;
  signingSeed: Uint8Array;
}

export function deriveKeySeeds(root: Uint8Array): VaultKeySeeds {
  if (root.length !== ROOT_SECRET_BYTES) throw new Error(`the root secret is ${ROOT_SECRET_BYTES} bytes, not ${root.length}`);
  const secret = Buffer.from(root);
  return {
    databaseKey: derive(secret, 'database-key'),
    nikKey: derive(secret, 'nik-hmac-key'),
    signingSeed: derive(secret, 'booth-signing-ed25519'),
  };
}

export function keysFromSeeds(seeds: VaultKeySeeds): VaultKeys {
  const signingKey = ed25519FromSeed(seeds.signingSeed);
  return {
    databaseKey: Buffer.from(seeds.databaseKey),
    nikKey: Buffer.from(seeds.nikKey),
    signingKey,
    signingPublicKey: createPublicKey(signingKey),
  };
}

/** The booth's Ed25519 public key as 32 raw bytes (what the upstream registers for this booth). */
export function rawEd25519PublicKey(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}
