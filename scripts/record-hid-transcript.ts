// Records the HID report transcript of a PING and a STATUS exchange for the
// strict replay test: `npx tsx scripts/record-hid-transcript.ts`.
import { writeFileSync } from 'node:fs';
import { toHex } from '../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../src/core/card/emulator';
import { SerialModuleEmulator } from '../src/core/card/emulator/serialModule';
import { SerialModuleClient } from '../src/core/card/serial/client';
import { hidLink } from '../src/core/card/serial/hidLink';
import { moduleStatus } from '../src/core/card/serial/readViaModule';
import { hidBridge, type ReportLog } from '../test/support/hidBridge';
const log: ReportLog[] = [];
const set = createVirtualEktp();
const { device, moduleLink } = hidBridge(log);
new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam });
await moduleStatus(new SerialModuleClient(hidLink(device), { responseTimeoutMs: 400, retransmissions: 3, firstSeq: 1 }));
const spaced = (b: Uint8Array) => toHex(b).replace(/(..)(?=.)/g, '$1 ');
writeFileSync(
  new URL('../test/fixtures/hid-status.reports', import.meta.url),
  `# PING and STATUS to a HID reader module, as 64-byte reports (=> host to module, <= module to host).\n# Recorded through test/support/hidBridge.ts; replayed strictly by test/unit/card/hid.test.ts.\n${log.map((e) => `${e.direction} ${spaced(e.report)}`).join('\n')}\n`,
);
console.log(log.length, 'reports');
