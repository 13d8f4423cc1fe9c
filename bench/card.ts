// Full e-KTP reads (SAM unlock, authentication, biodata, ~13 KB JPEG photo,
// signature image), 20 each:
// - serial module at 115200 baud over a real pseudo-terminal pair (socat),
//   with the ratio of read time to the wire time of the bytes moved;
// - PC/SC through the real pcscd, the virtual card and SAM behind vpcd.
// Writes bench/results/card.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createVirtualEktp } from '../src/core/card/emulator';
import { SerialModuleEmulator } from '../src/core/card/emulator/serialModule';
import { readEktp } from '../src/core/card/ektp/readEktp';
import { SerialModuleClient } from '../src/core/card/serial/client';
import { openSerialLink } from '../src/core/card/serial/link';
import { readEktpViaModule } from '../src/core/card/serial/readViaModule';
import { openPtyPair } from '../src/core/card/emulator/pty';
import { identityPhoto } from '../src/core/card/emulator/identities';
import { startPcscd, VPCD_READERS, waitForCard } from '../test/support/pcscd';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard } from '../src/core/card/emulator/vpcd';
import { openPcscSession } from '../src/core/card/pcsc/pcscChannels';

const READS = 20;
const BAUD = 115200;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (value: number) => Math.round(value * 10) / 10;

// Serial module over a pseudo-terminal.
const pty = await openPtyPair();
const set = createVirtualEktp();
const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: BAUD });
new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam }, { baudRate: BAUD });
const client = new SerialModuleClient(await openSerialLink({ path: pty.hostPath, baudRate: BAUD }));
const serialMs: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < READS; i++) {
  const before = client.stats.bytesRead + client.stats.bytesWritten;
  const started = performance.now();
  const readout = await readEktpViaModule(client, set.secrets);
  const elapsed = performance.now() - started;
  if (readout.photo.bytes.length !== identityPhoto(0).length) throw new Error('incomplete read');
  const moved = client.stats.bytesRead + client.stats.bytesWritten - before;
  serialMs.push(elapsed);
  ratios.push(elapsed / ((moved * 10 * 1000) / BAUD));
}
const bytesPerRead = (client.stats.bytesRead + client.stats.bytesWritten) / READS;
await client.close();
await moduleLink.close();
await pty.close();

// PC/SC: the real pcscd, the virtual e-KTP and SAM on vpcd's two readers.
const pcscd = await startPcscd();
const pcscSet = createVirtualEktp();
const samSlot = await insertVirtualCard(VPCD_READERS.sam.port, CONTACT_T1_ATR, pcscSet.sam, pcscd.viccHost);
const cardSlot = await insertVirtualCard(VPCD_READERS.card.port, CONTACTLESS_ATR, pcscSet.card, pcscd.viccHost);
await waitForCard(VPCD_READERS.sam.name, true);
await waitForCard(VPCD_READERS.card.name, true);
const pcscMs: number[] = [];
for (let i = 0; i < READS; i++) {
  const started = performance.now();
  const session = await openPcscSession({ cardReader: VPCD_READERS.card.name, samReader: VPCD_READERS.sam.name });
  try {
    const readout = await readEktp(session.card, session.sam, pcscSet.secrets);
    if (readout.photo.bytes.length !== identityPhoto(0).length) throw new Error('incomplete read');
  } finally {
    session.close();
  }
  pcscMs.push(performance.now() - started);
}
await cardSlot.remove();
await samSlot.remove();
await pcscd.stop();

// The APDU flow against the virtual card and SAM in memory: the protocol's own cost.
const memoryMs: number[] = [];
for (let i = 0; i < READS; i++) {
  const memory = createVirtualEktp();
  const started = performance.now();
  await readEktp(memory.card, memory.sam, memory.secrets);
  memoryMs.push(performance.now() - started);
}

const result = {
  pcsc_read_ms_p50: round(percentile(pcscMs, 50)),
  pcsc_read_ms_p95: round(percentile(pcscMs, 95)),
  pcsc_vicc_host: pcscd.viccHost,
  serial_read_ms_p50: round(percentile(serialMs, 50)),
  serial_read_ms_p95: round(percentile(serialMs, 95)),
  serial_over_wire_ratio: Number(percentile(ratios, 50).toFixed(3)),
  serial_over_wire_ratio_p95: Number(percentile(ratios, 95).toFixed(3)),
  serial_bytes_per_read: Math.round(bytesPerRead),
  serial_baud: BAUD,
  apdu_flow_in_memory_ms_p50: round(percentile(memoryMs, 50)),
  apdu_flow_in_memory_ms_p95: round(percentile(memoryMs, 95)),
  reads: READS,
  goals: { pcsc_read_ms_p95: 300, serial_over_wire_ratio: 1.15 },
  measured_at: new Date().toISOString(),
};
console.log('\ncard reads (auth + biodata + 13 KB photo + 2 KB signature), 20 each');
console.log(
  `  serial module @ ${BAUD} baud over a pty: p50 ${result.serial_read_ms_p50} ms, p95 ${result.serial_read_ms_p95} ms, ${result.serial_bytes_per_read} bytes on the wire per read`,
);
console.log(`  read time / wire time: median ${result.serial_over_wire_ratio} (p95 ${result.serial_over_wire_ratio_p95}; goal ≤ 1.15)`);
console.log(
  `  APDU flow against the in-memory virtual card: p50 ${result.apdu_flow_in_memory_ms_p50} ms, p95 ${result.apdu_flow_in_memory_ms_p95} ms`,
);
console.log(
  `  PC/SC via pcscd + vpcd (session open + read + close): p50 ${result.pcsc_read_ms_p50} ms, p95 ${result.pcsc_read_ms_p95} ms (goal p95 ≤ 300)${pcscd.viccHost === '127.0.0.1' ? '  [no quick-ACK route: vpcd stalls ~40 ms per APDU]' : ''}`,
);
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(resolve(import.meta.dirname, 'results/card.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('  written: bench/results/card.json');
