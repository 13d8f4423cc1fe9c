// Checks a scanned token in the page, before anything is sent: the booth
// keys cached from the upstream (fetched again once when a kid is unknown,
// for a booth added since), expiry and nonces this phone already decided on.
// The upstream then checks it again and says what the page cannot know.
import type { BoothKeysAnswer } from '../shared/officer/console';
import { verifySignoffToken, type SignoffVerdict } from '../shared/signoff/token';
import { api } from './api';
import { fromBase64Url } from './officerKey';

const KEYS = 'ikd-booth-keys';
const SEEN = 'ikd-seen-nonces';
const SEEN_FOR_MS = 3_600_000;

function cachedKeys(): BoothKeysAnswer['keys'] {
  try {
    return (JSON.parse(localStorage.getItem(KEYS) ?? '{}') as { keys?: BoothKeysAnswer['keys'] }).keys ?? [];
  } catch {
    return [];
  }
}

export async function refreshBoothKeys(): Promise<void> {
  const answer = await api<BoothKeysAnswer>('GET', '/booth-keys');
  if (answer.ok) localStorage.setItem(KEYS, JSON.stringify({ keys: answer.value.keys, at: Date.now() }));
}

function seenNonces(): Record<string, number> {
  try {
    const all = JSON.parse(localStorage.getItem(SEEN) ?? '{}') as Record<string, number>;
    return Object.fromEntries(Object.entries(all).filter(([, at]) => Date.now() - at < SEEN_FOR_MS));
  } catch {
    return {};
  }
}

/** Remembers a token this phone decided on, so scanning it again says so at once. */
export function rememberDecided(kid: string, nonce: string): void {
  localStorage.setItem(SEEN, JSON.stringify({ ...seenNonces(), [`${kid}:${nonce}`]: Date.now() }));
}

export async function checkTokenInPage(text: string): Promise<SignoffVerdict> {
  const verify = () =>
    verifySignoffToken(text, {
      keysFor: (kid) =>
        cachedKeys()
          .filter((key) => key.kid === kid)
          .map((key) => ({ boothId: key.boothId, publicKey: fromBase64Url(key.publicKey), revoked: key.revoked })),
      now: Date.now(),
      seen: (kid, nonce) => `${kid}:${nonce}` in seenNonces(),
    });
  const first = await verify();
  if (first.ok || first.reason !== 'UNKNOWN_BOOTH') return first;
  await refreshBoothKeys();
  return verify();
}
