import { createHmac } from 'node:crypto';

/** HMAC-SHA256 of the NIK under the booth's NIK key: the same NIK gives the same hash on this booth only, and no NIK comes back out. */
export function nikHmac(nikKey: Uint8Array, nik: string): Buffer {
  return createHmac('sha256', nikKey).update(`anjungan-ikd/nik/v1:${nik}`).digest();
}
