// The upstream's own keys, from its key file (format
// anjungan-ikd/upstream-key/v1): the X25519 key records are sealed to, and
// the Ed25519 key that signs acknowledgements. The project's demonstration
// file (resources/demo-upstream/demo-upstream-key.json) has its private
// halves published; `npm run upstream -- keys new` makes a real one.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const UPSTREAM_KEY_FORMAT = 'anjungan-ikd/upstream-key/v1';
export const DEMO_KEY_FILE = new URL('../../resources/demo-upstream/demo-upstream-key.json', import.meta.url);

const key32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes as 43 base64url characters');
const keyFileSchema = z
  .object({
    format: z.literal(UPSTREAM_KEY_FORMAT),
    DEMO: z.string().optional(),
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    algorithm: z.literal('X25519'),
    publicKey: key32,
    privateKey: key32,
    signing: z.object({ algorithm: z.literal('Ed25519'), publicKey: key32, privateKey: key32 }).strict(),
  })
  .strict();

export interface UpstreamKeys {
  sealingKeyId: string;
  sealingPrivateKey: KeyObject;
  sealingPublicKey: string;
  signingKey: KeyObject;
  signingPublicKey: string;
  demo: boolean;
}

/** Reads and checks a key file; throws with the file's name and what is wrong. */
export function loadUpstreamKeys(file: string | URL): UpstreamKeys {
  let parsed: z.infer<typeof keyFileSchema>;
  try {
    parsed = keyFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const detail =
      error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
        : (error as Error).message;
    throw new Error(`the upstream key file ${String(file)} cannot be used: ${detail}`);
  }
  const sealingPrivateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: parsed.privateKey, x: parsed.publicKey },
    format: 'jwk',
  });
  const signingKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: parsed.signing.privateKey, x: parsed.signing.publicKey },
    format: 'jwk',
  });
  // A file whose public halves do not match its private halves would seal or sign for nobody.
  if (createPublicKey(sealingPrivateKey).export({ format: 'jwk' }).x !== parsed.publicKey)
    throw new Error(`the upstream key file ${String(file)}: publicKey is not the public half of privateKey`);
  if (createPublicKey(signingKey).export({ format: 'jwk' }).x !== parsed.signing.publicKey)
    throw new Error(`the upstream key file ${String(file)}: signing.publicKey is not the public half of signing.privateKey`);
  return {
    sealingKeyId: parsed.id,
    sealingPrivateKey,
    sealingPublicKey: parsed.publicKey,
    signingKey,
    signingPublicKey: parsed.signing.publicKey,
    demo: parsed.DEMO !== undefined,
  };
}

/** A new key file's content (the caller writes it with mode 0600). */
export function newUpstreamKeyFile(id: string): string {
  const sealing = generateKeyPairSync('x25519');
  const signing = generateKeyPairSync('ed25519');
  const jwk = (key: KeyObject) => key.export({ format: 'jwk' });
  return `${JSON.stringify(
    {
      format: UPSTREAM_KEY_FORMAT,
      id,
      algorithm: 'X25519',
      publicKey: jwk(sealing.publicKey).x,
      privateKey: jwk(sealing.privateKey).d,
      signing: { algorithm: 'Ed25519', publicKey: jwk(signing.publicKey).x, privateKey: jwk(signing.privateKey).d },
    },
    null,
    2,
  )}\n`;
}
