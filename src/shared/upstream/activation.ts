// Activation between the IKD app and the upstream (issue 15): the app sends
// the 6-digit code from the e-mail and a digest of the NIK the citizen types,
// never the NIK itself: nikDigest = base64url(SHA-256(ACTIVATION_NIK_LABEL + NIK)).
import { z } from 'zod';

export const ACTIVATION_NIK_LABEL = 'anjungan-ikd/activation-nik/v1:';

/** POST /v1/activations/redeem. */
export const redeemBodySchema = z
  .object({
    code: z.string().regex(/^\d{6}$/, 'six digits'),
    nikDigest: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'base64url of a SHA-256 digest'),
  })
  .strict();
export type RedeemBody = z.infer<typeof redeemBodySchema>;
