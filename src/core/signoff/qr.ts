// A PNG of a signed code's QR symbol (the technician's `signoff sample`);
// the symbol itself is src/shared/signoff/qrSymbol.ts.
import QRCode from 'qrcode';
import { qrSegments, qrSymbol, SIGNOFF_QR, type QrOptions } from '../../shared/signoff/qrSymbol';

export { qrSymbol, SIGNOFF_QR, type QrOptions, type QrSymbol } from '../../shared/signoff/qrSymbol';

/** A PNG of the code (black on white, 4-module quiet zone), `scale` pixels a module. */
export function qrPng(text: string, options: QrOptions = SIGNOFF_QR, scale = 8): Promise<Buffer> {
  qrSymbol(text, options);
  return QRCode.toBuffer(qrSegments(text), { errorCorrectionLevel: options.errorCorrection, margin: 4, scale, type: 'png' });
}
