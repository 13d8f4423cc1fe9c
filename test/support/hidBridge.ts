// This machine has no hidraw or uhid: a HID reader module is stood in for by
// a device object that carries real 64-byte reports between the host's
// hidLink and the module emulator, optionally recording them.
import { EventEmitter } from 'node:events';
import { fromHidReport, toHidReports, type HidDeviceLike } from '../../src/core/card/serial/hidLink';
import type { ByteLink } from '../../src/core/card/serial/link';

export interface ReportLog {
  direction: '=>' | '<=';
  report: Uint8Array;
}

export function hidBridge(log?: ReportLog[]): { device: HidDeviceLike; moduleLink: ByteLink } {
  const device = new EventEmitter();
  const toModule: Array<(bytes: Uint8Array) => void> = [];
  const hostDevice: HidDeviceLike = {
    write: (values) => {
      const withId = Uint8Array.from(values as number[]);
      const report = withId.subarray(1); // drop report ID 0
      log?.push({ direction: '=>', report: Uint8Array.from(report) });
      const bytes = fromHidReport(report);
      if (bytes) setImmediate(() => toModule.forEach((listener) => listener(bytes)));
      return report.length;
    },
    on: ((event: string, listener: (...args: unknown[]) => void) => device.on(event, listener)) as HidDeviceLike['on'],
    close: () => device.emit('close'),
  };
  const moduleLink: ByteLink = {
    write: async (bytes) => {
      for (const report of toHidReports(bytes)) {
        log?.push({ direction: '<=', report });
        setImmediate(() => device.emit('data', Buffer.from(report)));
      }
    },
    onData: (listener) => toModule.push(listener),
    onClose: () => undefined,
    close: async () => undefined,
  };
  return { device: hostDevice, moduleLink };
}
