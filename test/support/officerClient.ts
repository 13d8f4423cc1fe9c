// An officer's phone as the upstream sees it, for tests that do not drive
// the console page: a fresh Ed25519 key (as the page makes at login), the
// session cookie and its CSRF token, over real HTTP.
import { ed25519 } from '@noble/curves/ed25519.js';
import { buildApproval, type ApprovalClaims } from '../../src/shared/signoff/approval';
import { Officers } from '../../src/upstream/officers';
import type { UpstreamServerOptions } from '../../src/upstream/server';
import { startTestUpstream, testUpstreamDatabase, testUpstreamKeys, type TestUpstream } from './upstream';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever each route answers
type Answer = { status: number; body: any };

export interface OfficerClient {
  status: number;
  body: Record<string, unknown>;
  /** Sends a console API request with the cookie (and the CSRF token unless told not to). */
  call(method: string, path: string, body?: unknown, options?: { csrf?: string | null; origin?: string }): Promise<Answer>;
  /** An approval QR's text signed with this phone's key and the certificate the login gave. */
  approval(claims: ApprovalClaims): string;
  secretKey: Uint8Array;
}

export async function officerLogin(baseUrl: string, officerId: string, password: string): Promise<OfficerClient> {
  const secretKey = ed25519.utils.randomSecretKey();
  const officerKey = Buffer.from(ed25519.getPublicKey(secretKey)).toString('base64url');
  const response = await fetch(`${baseUrl}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ officerId, password, officerKey }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrfToken = typeof body['csrfToken'] === 'string' ? body['csrfToken'] : '';
  const certificate = typeof body['certificate'] === 'string' ? new Uint8Array(Buffer.from(body['certificate'], 'base64url')) : null;
  return {
    status: response.status,
    body,
    secretKey,
    async call(method, path, payload, options = {}) {
      const headers: Record<string, string> = { cookie };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const csrf = options.csrf === undefined ? csrfToken : options.csrf;
      if (csrf !== null) headers['x-csrf-token'] = csrf;
      if (options.origin) headers['origin'] = options.origin;
      const answer = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const type = answer.headers.get('content-type') ?? '';
      return {
        status: answer.status,
        body: type.startsWith('application/json') ? await answer.json() : Buffer.from(await answer.arrayBuffer()),
      };
    },
    approval(claims) {
      if (!certificate) throw new Error('not logged in');
      return buildApproval(claims, certificate, (toBeSigned) => ed25519.sign(toBeSigned, secretKey));
    },
  };
}

/** The password of the officers the sign-off tests add. */
export const OFFICER_PASSWORD = 'correct horse battery';

/**
 * A reference upstream on PGlite whose officers' passwords are hashed cheaply (tests only), with officer `officerId` added
 * and logged in from a phone key; close() stops the server and removes the database.
 */
export async function startUpstreamWithOfficer(
  officerId: string,
  options: Partial<Omit<UpstreamServerOptions, 'db' | 'keys' | 'officers'>> = {},
): Promise<{ upstream: TestUpstream; officers: Officers; officer: OfficerClient; close(): Promise<void> }> {
  const database = await testUpstreamDatabase('pglite');
  const officers = new Officers(database.db, testUpstreamKeys, { passwordCost: { N: 2 ** 10, r: 8, p: 1 } });
  const upstream = await startTestUpstream('pglite', { ...options, db: database.db, officers });
  await officers.add(officerId, 'Siti Rahmawati', OFFICER_PASSWORD);
  return {
    upstream,
    officers,
    officer: await officerLogin(upstream.url, officerId, OFFICER_PASSWORD),
    async close() {
      await upstream.close();
      await database.release();
    },
  };
}
