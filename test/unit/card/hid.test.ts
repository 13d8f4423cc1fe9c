// HID transport: 64-byte reports carrying the module frames. No hidraw/uhid
// exists here, so the device is a report-level stand-in; a strict report
// transcript (test/fixtures/hid-status.reports) pins the bytes.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../../src/core/card/emulator';
import { SerialModuleEmulator } from '../../../src/core/card/emulator/serialModule';
import { SerialModuleClient } from '../../../src/core/card/serial/client';
import { fromHidReport, hidLink, HID_REPORT_SIZE, toHidReports, type HidDeviceLike } from '../../../src/core/card/serial/hidLink';
import { moduleStatus, readEktpViaModule } from '../../../src/core/card/serial/readViaModule';
import { hidBridge, type ReportLog } from '../../support/hidBridge';
import { createModuleReader } from '../../../src/core/card/reader';
import { identityPhoto } from '../../../src/core/card/emulator/identities';

describe('HID reports', () => {
  it('carry any byte stream in 64-byte reports and back (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const reports = toHidReports(bytes);
        expect(reports.every((report) => report.length === HID_REPORT_SIZE)).toBe(true);
        expect(Uint8Array.from(reports.flatMap((report) => [...fromHidReport(report)!]))).toEqual(bytes);
      }),
    );
  });

  it('refuse reports whose length byte is 0, past 63, or past the report (property)', () => {
    expect(fromHidReport(Uint8Array.of(0, 1, 2))).toBeUndefined();
    expect(fromHidReport(new Uint8Array(64).fill(64))).toBeUndefined();
    expect(fromHidReport(Uint8Array.of(10, 1, 2))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (report) => {
        const data = fromHidReport(report);
        if (data) expect(data.length).toBe(report[0]);
      }),
    );
  });

  it('read a whole card through the module emulator, report by report', async () => {
    const set = createVirtualEktp();
    const { device, moduleLink } = hidBridge();
    new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam });
    const client = new SerialModuleClient(hidLink(device));
    const readout = await readEktpViaModule(client, set.secrets);
    expect(readout.nik).toBe(set.identity.nik);
    expect(readout.photo.bytes).toEqual(identityPhoto(0));
  });

  it('replay the recorded STATUS exchange exactly (strict report transcript)', async () => {
    const lines = readFileSync(resolve(import.meta.dirname, '../../fixtures/hid-status.reports'), 'utf8')
      .split('\n')
      .filter((line) => /^(=>|<=) /.test(line))
      .map((line) => ({ direction: line.slice(0, 2), report: fromHex(line.slice(3)) }));
    let cursor = 0;
    const listeners: Array<(data: Buffer) => void> = [];
    const feedAnswers = () => {
      while (lines[cursor]?.direction === '<=') {
        const report = Buffer.from(lines[cursor++]!.report);
        setImmediate(() => listeners.forEach((listener) => listener(report)));
      }
    };
    const device: HidDeviceLike = {
      write: (values) => {
        const report = Uint8Array.from(values as number[]).subarray(1);
        const expected = lines[cursor];
        if (expected?.direction !== '=>' || toHex(expected.report) !== toHex(report))
          throw new Error(`unexpected report ${toHex(report)} at line ${cursor + 1}`);
        cursor += 1;
        feedAnswers();
        return report.length;
      },
      on: ((event: string, listener: (data: Buffer) => void) => {
        if (event === 'data') listeners.push(listener);
      }) as HidDeviceLike['on'],
      close: () => undefined,
    };
    const status = await moduleStatus(new SerialModuleClient(hidLink(device), { responseTimeoutMs: 400, retransmissions: 3, firstSeq: 1 }));
    expect(status).toEqual({ firmware: 'ANJUNGAN-EMU/1.0', cardPresent: true, samPresent: true, samUnlocked: false });
    expect(cursor).toBe(lines.length);
  });
});

describe('a module reader reopened after close()', () => {
  it('continues the SEQs of the closed port, so a late answer to its last request can never pass for the next one', async () => {
    const set = createVirtualEktp();
    const log: ReportLog[] = [];
    const { device, moduleLink } = hidBridge(log);
    new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam });
    const reader = createModuleReader(async () => hidLink(device), set.secrets, 'hid');
    const sentSeqs = () => log.filter((entry) => entry.direction === '=>').map((entry) => fromHidReport(entry.report)![3]!); // STX, LEN, LEN, SEQ
    for (let open = 0; open < 3; open++) {
      await reader.status();
      await reader.close();
    }
    const seqs = sentSeqs();
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    // One run of SEQs across the three ports: each reopened client starts right after the previous one's last (255 wraps to 1).
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `request ${i}`).toBe((seqs[i - 1]! % 255) + 1);
    expect((await reader.read()).nik).toBe(set.identity.nik);
    await reader.close();
  });
});
