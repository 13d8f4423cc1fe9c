// Officer sign-off on the booth (issue 15): the signed evidence token and its QR.
export { boothKid, issueSignoffToken, signoffNikDigest, type IssuedToken, type TokenSubject } from './boothToken';
export { qrPng, qrSymbol, SIGNOFF_QR, type QrOptions, type QrSymbol } from './qr';
export { createSignoffStep, RENEW_BEFORE_MS, type SignoffStep, type SignoffStepOptions } from './signoffStep';
