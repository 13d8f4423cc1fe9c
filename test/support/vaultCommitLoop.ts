// The child of the crash test (test/integration/vault/crash.test.ts): it
// commits enrollments into the vault in a loop exactly as the vault writer
// does (seal, then record and outbox row in one transaction), and prints
// "ack <id> <seed>" only after each commit has returned, with a synchronous
// write, so every printed id was durable before it was printed. The test
// kills it with SIGKILL at random moments. Bounded: it stops by itself
// after COMMIT_LOOP_MAX commits.
import { writeSync } from 'node:fs';
import { nikHmac, openVaultDatabase, sealRecord, uuidv7, VaultStore, x25519PublicKey, ed25519FromSeed } from '../../src/core/vault';
import { COMMIT_LOOP_MAX, sampleEnrollment } from './vault';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const run = Number(env('CRASH_RUN'));
const opened = openVaultDatabase(env('VAULT_DB'), Buffer.from(env('VAULT_KEY_HEX'), 'hex'));
if (!opened.ok) {
  writeSync(2, `${opened.reason}: ${opened.message}\n`);
  process.exit(3);
}
const store = new VaultStore(opened.db);
const keys = {
  recipient: x25519PublicKey(Buffer.from(env('UPSTREAM_PUBLIC_B64'), 'base64')),
  recipientKeyId: 'crash-test',
  signing: ed25519FromSeed(Buffer.from(env('SIGNING_SEED_HEX'), 'hex')),
};
const nikKey = Buffer.alloc(32, 0x11);
writeSync(1, 'ready\n');
for (let seq = 0; seq < COMMIT_LOOP_MAX; seq++) {
  const seed = run * 100_000 + seq;
  const createdAt = Date.now();
  const id = uuidv7(createdAt);
  // Records of ~8 KB (two pages and more each): the database stays small enough to check whole 200 times.
  const { content, citizen } = sampleEnrollment(seed, id, 2_500);
  const sealed = sealRecord(
    { id, kind: 'enrollment', about: null, boothId: 'BOOTH-TEST-01', createdAt: new Date(createdAt).toISOString() },
    content,
    keys,
  );
  const written = store.commit({ id, createdAt, kind: 'enrollment', about: null, nikHmac: nikHmac(nikKey, citizen.nik), sealed });
  if (!written.ok) {
    writeSync(2, `${written.reason}: ${written.message}\n`);
    process.exit(4);
  }
  writeSync(1, `ack ${id} ${seed}\n`);
}
opened.db.close();
