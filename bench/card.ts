// Full e-KTP reads (SAM unlock, authentication, biodata, ~15 KB photo,
// signature image), 20 each:
// - serial module at 115200 baud over a real pseudo-terminal pair (socat),
//   with the ratio of read time to the wire time of the bytes moved;
// - PC/SC through pcscd: not built yet (the field is null until it is).
// Writes bench/results/card.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createVirtualEktp } from '../src/core/card/emulator';
import { SerialModuleEmulator } from '../src/core/card/emulator/serialModule';
import { readEktp } from '../src/core/card/ektp/readEktp';
import { SerialModuleClient } from '../src/core/card/serial/client';
import { openSerialLink } from '../src/core/card/serial/link';
import { readEktpViaModule } from '../src/core/card/serial/readViaModule';
import { openPtyPair } from '../test/support/pty';

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
  if (readout.photo.bytes.length !== 15_000) throw new Error('incomplete read');
  const moved = client.stats.bytesRead + client.stats.bytesWritten - before;
  serialMs.push(elapsed);
  ratios.push(elapsed / ((moved * 10 * 1000) / BAUD));
}
const bytesPerRead = (client.stats.bytesRead + client.stats.bytesWritten) / READS;
await client.close();
await moduleLink.close();
await pty.close();

// The APDU flow against the virtual card and SAM in memory: the protocol's own cost.
const memoryMs: number[] = [];
for (let i = 0; i < READS; i++) {
  const memory = createVirtualEktp();
  const started = performance.now();
  await readEktp(memory.card, memory.sam, memory.secrets);
  memoryMs.push(performance.now() - started);
}

const result = {
  pcsc_read_ms_p95: null,
  pcsc_note: 'PC/SC driver and the vpcd emulator behind pcscd are not built yet',
  serial_read_ms_p50: round(percentile(serialMs, 50)),
  serial_read_ms_p95: round(percentile(serialMs, 95)),
  serial_over_wire_ratio: round(percentile(ratios, 50) * 100) / 100,
  serial_over_wire_ratio_p95: round(percentile(ratios, 95) * 100) / 100,
  serial_bytes_per_read: Math.round(bytesPerRead),
  serial_baud: BAUD,
  apdu_flow_in_memory_ms_p50: round(percentile(memoryMs, 50)),
  apdu_flow_in_memory_ms_p95: round(percentile(memoryMs, 95)),
  reads: READS,
  goals: { pcsc_read_ms_p95: 300, serial_over_wire_ratio: 1.15 },
  measured_at: new Date().toISOString(),
};
console.log('\ncard reads (auth + biodata + 15 KB photo + 2 KB signature), 20 each');
console.log(`  serial module @ ${BAUD} baud over a pty: p50 ${result.serial_read_ms_p50} ms, p95 ${result.serial_read_ms_p95} ms, ${result.serial_bytes_per_read} bytes on the wire per read`);
console.log(`  read time / wire time: median ${result.serial_over_wire_ratio} (p95 ${result.serial_over_wire_ratio_p95}; goal ≤ 1.15)`);
console.log(`  APDU flow against the in-memory virtual card: p50 ${result.apdu_flow_in_memory_ms_p50} ms, p95 ${result.apdu_flow_in_memory_ms_p95} ms`);
console.log(`  PC/SC: ${result.pcsc_note}`);
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(resolve(import.meta.dirname, 'results/card.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('  written: bench/results/card.json');
