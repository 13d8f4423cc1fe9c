// The module protocol's frames over USB HID: the byte stream is cut into
// 64-byte reports, each
//   LEN (1 byte, 1..63)  DATA (LEN bytes)  zero padding to 64
// Output reports go with report ID 0 in front, as node-hid (hidapi) expects
// for devices without numbered reports. Frames keep their own CRC and
// framing, so a lost or damaged report is caught by the frame layer.
import type { ByteLink } from './link';

export const HID_REPORT_SIZE = 64;
export const HID_REPORT_DATA = HID_REPORT_SIZE - 1;

/** Cuts bytes into 64-byte reports (without report ID). */
export function toHidReports(bytes: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += HID_REPORT_DATA) {
    const chunk = bytes.subarray(at, at + HID_REPORT_DATA);
    const report = new Uint8Array(HID_REPORT_SIZE);
    report[0] = chunk.length;
    report.set(chunk, 1);
    reports.push(report);
  }
  return reports;
}

/** The data of one input report; undefined for a report that breaks the format (the frame layer then resends). */
export function fromHidReport(report: Uint8Array): Uint8Array | undefined {
  const length = report[0];
  if (length === undefined || length === 0 || length > HID_REPORT_DATA || report.length < length + 1) return undefined;
  return report.subarray(1, 1 + length);
}

/** The part of node-hid's HID.HID this link uses. */
export interface HidDeviceLike {
  write(values: number[] | Buffer): number;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

export function hidLink(device: HidDeviceLike): ByteLink {
  const closeListeners: Array<(error?: Error) => void> = [];
  let closed = false;
  const finish = (error?: Error) => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener(error);
  };
  device.on('error', (error) => finish(error));
  return {
    write: async (bytes) => {
      for (const report of toHidReports(bytes)) {
        const written = device.write([0x00, ...report]);
        if (written < report.length) throw new Error(`HID write of ${written} bytes for a ${report.length}-byte report`);
      }
    },
    onData: (listener) =>
      device.on('data', (data) => {
        const bytes = fromHidReport(new Uint8Array(data));
        if (bytes) listener(bytes);
      }),
    onClose: (listener) => closeListeners.push(listener),
    close: async () => {
      device.close();
      finish();
    },
  };
}

/** Opens a HID reader module by USB vendor and product id (node-hid, N-API prebuilds). */
export async function openHidLink(vendorId: number, productId: number): Promise<ByteLink> {
  const { HID } = await import('node-hid');
  return hidLink(new HID(vendorId, productId) as unknown as HidDeviceLike);
}
