// The officer's contract: what the officer console page (src/console) and
// the upstream (src/upstream/console.ts) say to each other over HTTP under
// /console/api. The upstream validates every body it receives with these
// schemas; the page reads the answers as these types. A refusal is
// { error: { code, message, ...details } } with a ConsoleErrorCode.
import { z } from 'zod';
import { rejectionReasons } from '../signoff/approval';

export const OFFICER_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export const consoleErrorCodes = [
  'BAD_REQUEST',
  'NOT_LOGGED_IN',
  'BAD_LOGIN',
  'LOCKED',
  'BAD_CSRF',
  'NOT_FOUND',
  'ALREADY_DECIDED',
  'WRONG_BOOTH',
  'TOKEN_REFUSED',
  // An activation code not sent again: already activated, sent too often, or too soon (`reason` says which).
  'RESEND_REFUSED',
] as const;
export type ConsoleErrorCode = (typeof consoleErrorCodes)[number];

/** POST /console/api/login. officerKey: the phone's fresh Ed25519 public key, which the answer's certificate certifies. */
export const loginSchema = z
  .object({
    officerId: z.string().regex(OFFICER_ID_PATTERN),
    password: z.string().min(1).max(200),
    officerKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "the phone's Ed25519 public key, 43 base64url characters"),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginSchema>;

/** POST /console/api/tokens/check: a scanned or typed sign-off token. */
export const tokenCheckSchema = z.object({ token: z.string().min(1).max(2000) }).strict();

/** POST /console/api/decisions. */
export const decisionSchema = z
  .object({
    token: z.string().min(1).max(2000),
    decision: z.enum(['approve', 'reject']),
    reason: z.enum(rejectionReasons).optional(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((body) => body.decision === 'approve' || body.reason !== undefined, 'a rejection needs a reason');
export type DecisionRequest = z.infer<typeof decisionSchema>;

/** The login's answer, and GET /console/api/session's. */
export interface OfficerSessionAnswer {
  officer: { officerId: string; displayName: string };
  csrfToken: string;
  /** base64url of the officer certificate (a COSE_Sign1 the upstream signed). */
  certificate: string;
  officerKey: string;
  expiresAt: string;
}

/** GET /console/api/booth-keys. */
export interface BoothKeysAnswer {
  keys: Array<{ kid: string; boothId: string; publicKey: string; revoked: boolean }>;
  serverTime: string;
}

export interface DecisionRecord {
  enrollmentId: string;
  boothId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  note: string | null;
  officerId: string;
  decidedAt: string;
}

/** POST /console/api/tokens/check's answer. */
export type TokenCheckAnswer =
  | { verdict: { ok: false; reason: string; detail: string } }
  | {
      verdict: { ok: true; boothId: string; kid: string };
      nonceUsed: boolean;
      decision: DecisionRecord | null;
      enrollment: { synced: boolean; receivedAt: string | null; cancelled: boolean };
    };

export interface ConsoleError {
  error: { code: ConsoleErrorCode; message: string; retryAfterS?: number; reason?: string; decision?: DecisionRecord };
}
