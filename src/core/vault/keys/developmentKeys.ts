// The development KeyProvider (`npm start`, tests): the root secret is
// derived from a passphrase with scrypt (RFC 7914). The key file next to
// the vault holds only the salt, the cost and a check value, so a wrong
// passphrase is told apart from a damaged vault. Anyone who knows the
// passphrase and has the disk can open the database: never for a booth in
// service, and the booth says so in its log and on the technician's status.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusive } from './keyFile';
import { ROOT_SECRET_BYTES, type KeyProvider, type RootSecretResult } from './keyProvider';

export const DEVELOPMENT_KEY_FILE = 'development-key.json';
const FORMAT = 'anjungan-ikd/development-key/v1';
/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here): the passphrase is guessable, so make each guess cost. */
const COST = { N: 1 << 15, r: 8, p: 1 } as const;

export const DEVELOPMENT_KEY_WARNING =
  'DEVELOPMENT KEYS: the vault key is derived from a passphrase in the configuration, not sealed by a TPM. Anyone with this disk and the passphrase reads every stored enrollment. Never use this on a booth in service.';

interface KeyFileContent {
  format: typeof FORMAT;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  check: string;
}

function derive(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, ROOT_SECRET_BYTES, { ...cost, maxmem: 128 * cost.N * cost.r * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const checkValue = (root: Buffer) => createHmac('sha256', root).update('anjungan-ikd/development-key/check').digest();

export function createDevelopmentKeyProvider(options: { keysDir: string; passphrase: string }): KeyProvider {
  const file = join(options.keysDir, DEVELOPMENT_KEY_FILE);
  return {
    kind: 'development',
    warning: DEVELOPMENT_KEY_WARNING,
    async rootSecret(): Promise<RootSecretResult> {
      if (!existsSync(file)) {
        const salt = randomBytes(16);
        const root = await derive(options.passphrase, salt, COST);
        const content: KeyFileContent = {
          format: FORMAT,
          kdf: 'scrypt',
          ...COST,
          salt: salt.toString('base64'),
          check: checkValue(root).toString('base64'),
        };
        // Another process of this booth may be making the file at this moment: then its key is the booth's, read below.
        if (writeFileExclusive(file, Buffer.from(`${JSON.stringify(content, null, 2)}\n`)) === 'written')
          return { ok: true, root, created: true };
        root.fill(0);
      }
      let content: KeyFileContent;
      try {
        content = JSON.parse(readFileSync(file, 'utf8')) as KeyFileContent;
        if (content.format !== FORMAT || content.kdf !== 'scrypt') throw new Error(`not a ${FORMAT} file`);
      } catch (error) {
        return { ok: false, reason: 'KEY_UNREADABLE', message: `${file} is damaged: ${(error as Error).message}` };
      }
      const root = await derive(options.passphrase, Buffer.from(content.salt, 'base64'), content);
      const expected = Buffer.from(content.check, 'base64');
      const actual = checkValue(root);
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
        return {
          ok: false,
          reason: 'WRONG_PASSPHRASE',
          message: `the vault passphrase is not the one ${file} was made with (vault.keys.passphrase or BOOTH_VAULT_PASSPHRASE)`,
        };
      return { ok: true, root, created: false };
    },
  };
}
