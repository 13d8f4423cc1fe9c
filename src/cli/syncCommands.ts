// `npm run booth -- sync status`: the upstream sync as the technician needs
// it, read from the vault (where the running booth keeps the sync's
// checkpoint) without changing anything: where it syncs to, its state,
// the queue, the last success and the last error, the clock offset, and
// what blocks it (with what to do).
import type { BoothConfig } from '../core/config';
import { emptyCheckpoint, type SyncCheckpoint } from '../core/sync';
import { openVaultReadOnly, vaultSetup, VaultStore, type VaultCounts } from '../core/vault';

type Print = (text: string, data: unknown) => void;

const WHAT_TO_DO: Record<string, string> = {
  WRONG_UPSTREAM: "check sync.upstreamUrl, vault.upstreamKey and sync.upstreamSigningKey against the upstream's key file",
  NOT_REGISTERED: 'the upstream operator registers this booth (the command is in the message above)',
  BOOTH_REVOKED: "the upstream revoked this booth: ask its operator; records stay in the vault (export them with 'vault export')",
};

/** Exit code 0: syncing normally (or sync off by configuration); 1: failing, blocked, or the vault cannot be read. */
export async function syncStatus(config: BoothConfig, print: Print): Promise<number> {
  const url = config.sync.upstreamUrl;
  const setup = vaultSetup(config.vault);
  if ('problem' in setup) {
    print(`Sync: ${setup.problem}`, { ok: false, problem: setup.problem });
    return 1;
  }
  const opened = await openVaultReadOnly(setup.dir, setup.keyProvider);
  if (!opened.ok) {
    print(`Sync to ${url ?? '(off)'}: the vault cannot be read: ${opened.reason}: ${opened.message}`, {
      ok: false,
      upstreamUrl: url,
      reason: opened.reason,
      message: opened.message,
    });
    return 1;
  }
  let checkpoint: SyncCheckpoint;
  let counts: VaultCounts;
  try {
    const store = new VaultStore(opened.db);
    checkpoint = { ...emptyCheckpoint, ...(store.syncState() as Partial<SyncCheckpoint>) };
    counts = store.counts();
  } finally {
    opened.db.close();
  }
  const queued = counts.pending + counts.sending;
  const failing = checkpoint.consecutiveFailures > 0 || checkpoint.blocked !== null;
  const ok = url === null || !failing;
  const data = {
    ok,
    upstreamUrl: url,
    state: url === null ? 'off' : checkpoint.blocked ? 'blocked' : checkpoint.consecutiveFailures > 0 ? 'failing' : 'ok',
    pending: queued,
    oldestPendingAt: counts.oldestUnsentAt === null ? null : new Date(counts.oldestUnsentAt).toISOString(),
    acknowledged: counts.acknowledged,
    purged: counts.purged,
    lastSuccessAt: checkpoint.lastSuccessAt,
    lastError: checkpoint.lastError,
    consecutiveFailures: checkpoint.consecutiveFailures,
    nextAttemptAt: checkpoint.nextAttemptAt === null ? null : new Date(checkpoint.nextAttemptAt).toISOString(),
    blocked: checkpoint.blocked,
    clockOffsetMs: checkpoint.clockOffsetMs,
    lastHeartbeatAt: checkpoint.lastHeartbeatAt,
  };
  const lines = [
    url === null ? 'Sync is off (sync.upstreamUrl is null): enrollments stay in the vault until exported.' : `Sync to ${url}`,
    `  queue         ${queued} waiting${data.oldestPendingAt ? `, oldest from ${data.oldestPendingAt}` : ''}; ${counts.acknowledged} acknowledged, ${counts.purged} purged`,
    `  last success  ${checkpoint.lastSuccessAt ?? 'never'}`,
    ...(checkpoint.lastError
      ? [`  last error    ${checkpoint.lastError.at}  ${checkpoint.lastError.code}: ${checkpoint.lastError.message}`]
      : []),
    ...(checkpoint.consecutiveFailures > 0
      ? [`  retrying      ${checkpoint.consecutiveFailures} failures in a row; next try ${data.nextAttemptAt ?? 'now'}`]
      : []),
    ...(checkpoint.blocked
      ? [
          `  BLOCKED       ${checkpoint.blocked.code}: ${checkpoint.blocked.message}`,
          `  what to do    ${WHAT_TO_DO[checkpoint.blocked.code] ?? 'see the message above'}`,
        ]
      : []),
    `  clock offset  ${checkpoint.clockOffsetMs === null ? 'not measured yet' : `${(checkpoint.clockOffsetMs / 1000).toFixed(1)} s (upstream minus booth)`}`,
    `  heartbeat     ${checkpoint.lastHeartbeatAt ?? 'none sent yet'}`,
  ];
  print(lines.join('\n'), data);
  return ok ? 0 : 1;
}
