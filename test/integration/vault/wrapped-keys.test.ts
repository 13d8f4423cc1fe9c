// The OS key store provider (Electron's safeStorage in the shell): the root
// is wrapped on first start and unwrapped after; the plain-text fallback of
// a Linux desktop without a keyring is refused; a store that cannot unwrap
// (another user, another machine) is a clear refusal. The store here wraps
// with AES-256-GCM under a key of the test's: safeStorage's contract (bytes
// in, opaque bytes out), without Electron.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWrappedKeyProvider, WRAPPED_KEY_FILE, type OsKeyStore } from '../../../src/core/vault';

const dir = mkdtempSync(join(tmpdir(), 'booth-wrapped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function aesStore(backend = 'gnome_libsecret', key = randomBytes(32)): OsKeyStore {
  return {
    backend: () => backend,
    isAvailable: () => true,
    wrap(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    unwrap(wrapped) {
      const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(0, 12));
      decipher.setAuthTag(wrapped.subarray(-16));
      return Buffer.concat([decipher.update(wrapped.subarray(12, -16)), decipher.final()]);
    },
  };
}

describe('OS key store provider', () => {
  it('wraps a new root on first start, unwraps the same one after, and keeps no copy in clear', async () => {
    const keysDir = join(dir, 'ok');
    const store = aesStore();
    const made = await createWrappedKeyProvider({ keysDir, store }).rootSecret();
    expect(made).toMatchObject({ ok: true, created: true });
    if (!made.ok) return;
    expect(readFileSync(join(keysDir, WRAPPED_KEY_FILE)).includes(made.root)).toBe(false);
    const again = await createWrappedKeyProvider({ keysDir, store }).rootSecret();
    expect(again.ok && again.root.equals(made.root)).toBe(true);
  });

  it("refuses Linux's plain-text fallback, which protects nothing", async () => {
    const result = await createWrappedKeyProvider({ keysDir: join(dir, 'basic'), store: aesStore('basic_text') }).rootSecret();
    expect(result).toMatchObject({ ok: false, reason: 'KEY_STORE_INSECURE', message: expect.stringMatching(/basic_text/) });
  });

  it('says so when the store cannot unwrap the file (another user or machine), without making a new key', async () => {
    const keysDir = join(dir, 'moved');
    expect((await createWrappedKeyProvider({ keysDir, store: aesStore() }).rootSecret()).ok).toBe(true);
    const before = readFileSync(join(keysDir, WRAPPED_KEY_FILE));
    const elsewhere = await createWrappedKeyProvider({ keysDir, store: aesStore() }).rootSecret();
    expect(elsewhere).toMatchObject({ ok: false, reason: 'KEY_UNREADABLE' });
    expect(readFileSync(join(keysDir, WRAPPED_KEY_FILE)).equals(before)).toBe(true);
  });
});
