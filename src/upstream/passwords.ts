// Officer passwords, kept as scrypt (RFC 7914) with the OWASP Password
// Storage Cheat Sheet's parameters: N = 2^17, r = 8, p = 1, a 16-byte salt,
// a 32-byte hash. Stored as "scrypt$N$r$p$salt$hash" (base64url), so a later
// raise of N still checks the passwords hashed before it. scrypt runs on
// libuv's thread pool: a login never blocks the booths' requests.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_DEFAULT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** 128 · N · r bytes: 128 MiB for the default; Node's own limit is 32 MiB. */
const maxmem = (N: number, r: number) => 128 * N * r + 16 * 1024 * 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N, r, p, maxmem: maxmem(N, r) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Hashes a new password. `cost` is for tests only (a low N keeps them quick). */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = SCRYPT_DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost.N, cost.r, cost.p);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether the password is the one hashed; false (never a throw) for a stored value that is not one of ours. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (![N, R, P].every(Number.isInteger) || N < 2 || R < 1 || P < 1 || N > 2 ** 20) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), N, R, P);
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** A hash nobody's password matches, to spend the same time on an unknown officer id as on a known one. */
export const UNKNOWN_OFFICER_HASH = `scrypt$${SCRYPT_DEFAULT.N}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;

/** What a new password must be: long enough that the lockout, not luck, stops a guesser. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'an officer password has at least 12 characters';
  if (password.length > 200) return 'an officer password has at most 200 characters';
  return null;
}
