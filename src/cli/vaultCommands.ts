// `npm run booth -- vault <status|export|check>`: the technician's view of
// the enrollment vault. Nothing here opens an enrollment (the booth cannot:
// they are sealed to the upstream), and status and export only read, so
// they are safe while the booth runs.
import { checkExport, exportVault, inspectVault, vaultSetup } from '../core/vault';
import type { BoothConfig } from '../core/config';

type Print = (text: string, data: unknown) => void;

const mb = (bytes: number | null) => (bytes === null ? 'unknown' : `${Math.floor(bytes / 1e6)} MB`);

/** Exit code 0: the vault is readable and the booth takes citizens; 1: it is not (the output says why). */
export async function vaultStatus(config: BoothConfig, print: Print): Promise<number> {
  const setup = vaultSetup(config.vault);
  if ('problem' in setup) {
    print(`Vault: ${setup.problem}`, { ok: false, problem: setup.problem });
    return 1;
  }
  const found = await inspectVault(setup);
  const counts = found.counts;
  const lines = [
    `Vault in ${found.dir}`,
    `  keys          ${found.keyProvider}${found.keyWarning ? `\n  WARNING       ${found.keyWarning}` : ''}`,
    `  upstream key  ${found.upstreamKey.id}${found.upstreamKey.demo ? '  (DEMO KEY: its private half is public; for trying the booth out only)' : ''}`,
    `  booth key     ${found.boothPublicKey ?? 'unknown'}  (Ed25519 public key the upstream checks signatures with)`,
    found.unavailable
      ? `  UNAVAILABLE   ${found.unavailable.reason}: ${found.unavailable.message}`
      : `  outbox        ${counts!.pending} pending, ${counts!.sending} sending, ${counts!.acknowledged} acknowledged, ${counts!.purged} purged` +
        (counts!.oldestUnsentAt ? `; oldest unsent from ${new Date(counts!.oldestUnsentAt).toISOString()}` : ''),
    `  free space    ${mb(found.freeBytes)} (new citizens need at least ${mb(found.minFreeBytes)}): ${found.admitting ? 'taking citizens' : 'NOT taking new citizens'}`,
    ...found.failing.map((row) => `  send failing  ${row.id}  ${row.attempts} attempts, last: ${row.lastError}`),
  ];
  print(lines.join('\n'), { ok: found.unavailable === null && found.admitting, ...found });
  return found.unavailable === null && found.admitting ? 0 : 1;
}

export async function vaultExport(config: BoothConfig, to: string, print: Print): Promise<number> {
  const setup = vaultSetup(config.vault);
  if ('problem' in setup) {
    print(`Vault: ${setup.problem}`, { ok: false, problem: setup.problem });
    return 1;
  }
  const exported = await exportVault({ dir: setup.dir, keyProvider: setup.keyProvider, boothId: config.booth.id, to });
  if (!exported.ok) {
    print(`Vault export failed: ${exported.reason}: ${exported.message}`, {
      ok: false,
      reason: exported.reason,
      message: exported.message,
    });
    return 1;
  }
  const bytes = exported.manifest.records.reduce((sum, r) => sum + r.bytes, 0);
  print(
    [
      `Exported ${exported.manifest.records.length} unacknowledged records (${Math.ceil(bytes / 1024)} KiB) to ${exported.folder}`,
      '  Each is still sealed to the upstream and signed by this booth; manifest.json is signed too, SHA256SUMS lists every file.',
      '  They stay in the vault until the upstream acknowledges them: importing them twice is harmless.',
    ].join('\n'),
    { ok: true, folder: exported.folder, records: exported.manifest.records.length, bytes },
  );
  return 0;
}

/** Reads an export back and checks every signature and checksum (against the key its manifest names). */
export function vaultCheck(folder: string, print: Print): number {
  const checked = checkExport(folder);
  const total = checked.manifest?.records.length ?? 0;
  if (!checked.manifest) {
    print(`${folder} is not a booth export: ${checked.problems.join('; ')}`, {
      ok: false,
      records: 0,
      valid: 0,
      problems: checked.problems,
    });
    return 1;
  }
  print(
    checked.ok
      ? `Export ${folder}: all ${total} records intact, signed by booth ${checked.manifest!.boothId} (key ${checked.manifest!.boothPublicKey}).`
      : [`Export ${folder}: ${checked.valid.length} of ${total} records intact; problems:`, ...checked.problems.map((p) => `  ${p}`)].join(
          '\n',
        ),
    { ok: checked.ok, records: total, valid: checked.valid.length, problems: checked.problems },
  );
  return checked.ok ? 0 : 1;
}
