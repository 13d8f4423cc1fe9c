// The booth that the sync fault test kills (test/integration/sync/faults.test.ts):
// it opens the test booth's vault, commits a few enrollments (as a booth
// does while citizens come), and syncs through the test's fault proxy until
// the queue is drained or it is killed with SIGKILL mid-batch. Bounded: at
// most SYNC_CHILD_MAX_PASSES passes, then it exits by itself.
import { writeSync } from 'node:fs';
import type { BoothConfigInput } from '../../src/core/config';
import { openSyncBooth } from './syncBooth';

export const SYNC_CHILD_MAX_PASSES = 40;

const settings = JSON.parse(process.env['SYNC_CHILD'] ?? '{}') as {
  boothId: string;
  url: string;
  vault: BoothConfigInput['vault'];
  sync: BoothConfigInput['sync'];
  commits: number;
  firstSeed: number;
};
const booth = await openSyncBooth({ boothId: settings.boothId, url: settings.url, vault: settings.vault, sync: settings.sync });
const ids = await booth.commitEnrollments(settings.commits, settings.firstSeed);
writeSync(1, `committed ${ids.join(' ')}\n`);
const engine = await booth.startSync({ blockedRecheckMs: 1_000 });
writeSync(1, 'syncing\n');
for (let pass = 0; pass < SYNC_CHILD_MAX_PASSES; pass++) {
  const status = await engine.syncNow();
  const counts = await booth.vault.writer!.call('counts', {});
  if (counts.ok && counts.value.pending + counts.value.sending === 0 && status.state === 'idle') break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
writeSync(1, 'drained\n');
await booth.close();
process.exit(0);
