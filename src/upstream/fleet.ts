// The fleet page: every booth the registry knows, what its last heartbeat
// said, and which need someone: late on heartbeat (no word for three
// intervals), a queue that keeps growing, or an old unsent enrollment.
// Server-rendered HTML that refreshes itself; /v1/fleet gives the same as
// JSON.
import type { HeartbeatBody } from '../shared/upstream/api';
import type { UpstreamDatabase } from './db/database';

/** An unsent enrollment older than this on a booth is a problem whatever the queue does. */
const OLD_PENDING_S = 3_600;

export type BoothFlag = 'late' | 'queue-growing' | 'old-pending' | 'revoked' | 'never-heard' | 'self-test-failed' | 'clock-off';

export interface FleetBooth {
  boothId: string;
  status: 'active' | 'revoked';
  registeredBy: string;
  recordsReceived: number;
  lastRecordAt: string | null;
  lastHeartbeatAt: string | null;
  heartbeat: HeartbeatBody | null;
  /** Queue depths of the last heartbeats, newest first. */
  recentDepths: number[];
  flags: BoothFlag[];
}

export interface FleetStatus {
  generatedAt: string;
  booths: FleetBooth[];
  totals: { booths: number; needingAttention: number; recordsReceived: number; queued: number };
}

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString() : typeof value === 'string' ? new Date(value).toISOString() : null;

export async function fleetStatus(db: UpstreamDatabase, options: { heartbeatExpectedS: number }): Promise<FleetStatus> {
  const rows = await db.query<{
    booth_id: string;
    status: 'active' | 'revoked';
    registered_by: string;
    records_received: number;
    last_record_at: unknown;
    last_heartbeat_at: unknown;
    heartbeat: HeartbeatBody | string | null;
    recent: number[] | null;
  }>(
    `SELECT b.booth_id, b.status, b.registered_by, b.records_received, b.last_record_at, b.last_heartbeat_at, b.heartbeat,
       (SELECT array_agg(s.queue_depth ORDER BY s.received_at DESC)
          FROM (SELECT queue_depth, received_at FROM heartbeats h WHERE h.booth_id = b.booth_id ORDER BY received_at DESC LIMIT 4) s) AS recent
     FROM booths b ORDER BY b.booth_id`,
  );
  const now = Date.now();
  const booths = rows.map((row): FleetBooth => {
    const heartbeat = typeof row.heartbeat === 'string' ? (JSON.parse(row.heartbeat) as HeartbeatBody) : row.heartbeat;
    const lastHeartbeatAt = iso(row.last_heartbeat_at);
    const recentDepths = (row.recent ?? []).map(Number);
    const flags: BoothFlag[] = [];
    if (row.status === 'revoked') flags.push('revoked');
    else if (!lastHeartbeatAt) flags.push('never-heard');
    else if (now - Date.parse(lastHeartbeatAt) > 3 * options.heartbeatExpectedS * 1000) flags.push('late');
    // Growing: each of the last three heartbeats reported more than the one before.
    if (recentDepths.length >= 3 && recentDepths[0]! > recentDepths[1]! && recentDepths[1]! > recentDepths[2]!) flags.push('queue-growing');
    if ((heartbeat?.queue.oldestAgeSeconds ?? 0) > OLD_PENDING_S) flags.push('old-pending');
    if (heartbeat?.selfTest.state === 'failed') flags.push('self-test-failed');
    if (Math.abs(heartbeat?.sync.clockOffsetMs ?? 0) > 60_000) flags.push('clock-off');
    return {
      boothId: row.booth_id,
      status: row.status,
      registeredBy: row.registered_by,
      recordsReceived: Number(row.records_received),
      lastRecordAt: iso(row.last_record_at),
      lastHeartbeatAt,
      heartbeat,
      recentDepths,
      flags,
    };
  });
  return {
    generatedAt: new Date(now).toISOString(),
    booths,
    totals: {
      booths: booths.length,
      needingAttention: booths.filter((booth) => booth.flags.length > 0).length,
      recordsReceived: booths.reduce((sum, booth) => sum + booth.recordsReceived, 0),
      queued: booths.reduce((sum, booth) => sum + (booth.heartbeat?.queue.depth ?? 0), 0),
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const FLAG_TEXT: Record<BoothFlag, string> = {
  late: 'late heartbeat',
  'queue-growing': 'queue growing',
  'old-pending': 'enrollment waiting over 1 h',
  revoked: 'revoked',
  'never-heard': 'no heartbeat yet',
  'self-test-failed': 'self-test failed',
  'clock-off': 'clock off by over 1 min',
};

function ago(isoTime: string | null, now: number): string {
  if (!isoTime) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(isoTime)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

export function renderFleetPage(status: FleetStatus, options: { demo: boolean }): string {
  const now = Date.parse(status.generatedAt);
  const rows = status.booths
    .map((booth) => {
      const beat = booth.heartbeat;
      const attention = booth.flags.length > 0;
      const flags = booth.flags.map((flag) => `<span class="flag flag-${flag}">${escapeHtml(FLAG_TEXT[flag])}</span>`).join(' ');
      return `<tr class="${attention ? 'attention' : 'ok'}" data-booth="${escapeHtml(booth.boothId)}" data-flags="${booth.flags.join(' ')}">
  <th scope="row">${escapeHtml(booth.boothId)}</th>
  <td>${attention ? flags : '<span class="fine">OK</span>'}</td>
  <td class="num">${beat ? beat.queue.depth : '—'}</td>
  <td>${beat?.queue.oldestAgeSeconds != null ? `${Math.round(beat.queue.oldestAgeSeconds / 60)} min` : '—'}</td>
  <td class="num">${booth.recordsReceived}</td>
  <td>${ago(booth.lastHeartbeatAt, now)}</td>
  <td>${beat?.sync.lastSuccessAt ? ago(beat.sync.lastSuccessAt, now) : '—'}</td>
  <td>${beat?.disk.freeBytes != null ? `${(beat.disk.freeBytes / 1e9).toFixed(1)} GB` : '—'}</td>
  <td>${beat ? escapeHtml(beat.software.version) : '—'}</td>
  <td>${beat ? escapeHtml(beat.selfTest.state) : '—'}</td>
  <td class="num">${beat?.sync.clockOffsetMs != null ? `${(beat.sync.clockOffsetMs / 1000).toFixed(1)} s` : '—'}</td>
  <td>${beat?.sync.lastError ? escapeHtml(`${beat.sync.lastError.code}: ${beat.sync.lastError.message}`) : ''}</td>
</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10">
<title>Anjungan IKD fleet</title>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; margin: 1.5rem; color: #1a1a1a; }
  h1 { font-size: 1.5rem; margin: 0 0 0.5rem; }
  .summary { margin: 0 0 1rem; font-size: 1.05rem; }
  .demo { background: #fff3cd; border: 2px solid #b58100; padding: 0.5rem 0.75rem; margin-bottom: 1rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
  th, td { border-bottom: 1px solid #ccc; padding: 0.45rem 0.6rem; text-align: left; vertical-align: top; }
  thead th { background: #f0f0f0; position: sticky; top: 0; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.attention { background: #fde8e8; }
  tr.attention th { border-left: 6px solid #b00020; }
  .flag { display: inline-block; background: #b00020; color: #fff; border-radius: 0.3rem; padding: 0.05rem 0.45rem; margin: 0.1rem 0; font-weight: 600; }
  .fine { color: #1b6e20; font-weight: 600; }
</style>
</head>
<body>
<h1>Anjungan IKD fleet</h1>
${options.demo ? '<p class="demo"><strong>Demonstration upstream:</strong> its keys are published with the source; nothing here is protected.</p>' : ''}
<p class="summary"><strong>${status.totals.needingAttention}</strong> of ${status.totals.booths} booths need attention ·
${status.totals.queued} enrollments queued on booths · ${status.totals.recordsReceived} received · updated ${escapeHtml(status.generatedAt.slice(11, 19))} UTC</p>
<table>
<thead><tr><th scope="col">Booth</th><th scope="col">Attention</th><th scope="col">Queue</th><th scope="col">Oldest waiting</th>
<th scope="col">Received</th><th scope="col">Last heartbeat</th><th scope="col">Last sync</th><th scope="col">Free disk</th>
<th scope="col">Software</th><th scope="col">Self-test</th><th scope="col">Clock offset</th><th scope="col">Last error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="12">No booth is registered yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}
