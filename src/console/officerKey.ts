// The phone's signing key for approval QRs: made fresh at each login, kept
// only for this tab's session (sessionStorage), and certified by the
// upstream at login. It signs approvals with @noble/curves, which works in
// every phone browser (WebCrypto's Ed25519 is missing from older ones).
import { ed25519 } from '@noble/curves/ed25519.js';

const STORE = 'ikd-officer-key';
const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
export const fromBase64Url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (char) => char.charCodeAt(0));

/** A new key for a login: its public half to present (base64url). */
export function newOfficerKey(): string {
  const secret = ed25519.utils.randomSecretKey();
  sessionStorage.setItem(STORE, toBase64Url(secret));
  return toBase64Url(ed25519.getPublicKey(secret));
}

/** Signs with this tab's key; null when the tab has none (a new tab: log in again). */
export function officerSigner(): ((message: Uint8Array) => Uint8Array) | null {
  const stored = sessionStorage.getItem(STORE);
  if (!stored) return null;
  const secret = fromBase64Url(stored);
  return (message) => ed25519.sign(message, secret);
}

export function forgetOfficerKey(): void {
  sessionStorage.removeItem(STORE);
}
