// The QR symbol of a signed code, as the screens draw it: the text in one
// alphanumeric segment (Base45 uses exactly QR's 45 alphanumeric
// characters), the error correction asked for, and the smallest version
// that holds it, never above the one allowed (the sign-off token must stay
// at version 10 or below to scan from a phone at arm's length). Pure: the
// booth's core and the officer console both draw with it.
import QRCode, { type QRCodeErrorCorrectionLevel } from 'qrcode';

export interface QrSymbol {
  /** QR version, 1 to 40 (the symbol has 17 + 4 · version modules a side). */
  version: number;
  /** Modules a side, without the quiet zone. */
  size: number;
  /**
   * The dark modules as one SVG path in module units ("M x y h1v1h-1z" per module, runs merged per row), for a
   * `viewBox="-4 -4 size+8 size+8"` with the 4-module quiet zone ISO/IEC 18004 asks for.
   */
  path: string;
}

export interface QrOptions {
  errorCorrection: QRCodeErrorCorrectionLevel;
  /** The largest version accepted: a longer text throws rather than grow the code. */
  maxVersion: number;
}

export const SIGNOFF_QR: QrOptions = { errorCorrection: 'Q', maxVersion: 10 };

export const qrSegments = (text: string) => [{ data: text, mode: 'alphanumeric' as const }];

/** Encodes the text; throws when it needs a version above options.maxVersion or has a character outside the alphanumeric set. */
export function qrSymbol(text: string, options: QrOptions = SIGNOFF_QR): QrSymbol {
  const code = QRCode.create(qrSegments(text), { errorCorrectionLevel: options.errorCorrection });
  if (code.version > options.maxVersion)
    throw new Error(`${text.length} characters need QR version ${code.version}, above ${options.maxVersion}`);
  const { size, data } = code.modules;
  let path = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && data[y * size + x]) x++;
      path += `M${start} ${y}h${x - start}v1h-${x - start}z`;
    }
  }
  return { version: code.version, size, path };
}
