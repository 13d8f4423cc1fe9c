// The fleet page: every booth the registry knows, what its last heartbeat
// said, and which need someone: late on heartbeat (no word for three
// intervals), a queue that keeps growing, or an old unsent enrollment.
// Server-rendered HTML whose table updates itself in place (pausable);
// /v1/fleet gives the same as JSON.
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
    silent_s: number | null;
  }>(
    `SELECT b.booth_id, b.status, b.registered_by, b.records_received, b.last_record_at, b.last_heartbeat_at, b.heartbeat,
       EXTRACT(EPOCH FROM (now() - b.last_heartbeat_at))::float8 AS silent_s,
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
    // Judged by the database's clock, which stamped the heartbeat (an upstream node's clock may differ).
    else if (Number(row.silent_s) > 3 * options.heartbeatExpectedS) flags.push('late');
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
  // Those needing someone first, then by id.
  booths.sort((a, b) => Number(b.flags.length > 0) - Number(a.flags.length > 0) || a.boothId.localeCompare(b.boothId));
  return {
    generatedAt: new Date(now).toISOString(),
    booths,
    totals: {
      booths: booths.length,
      needingAttention: booths.filter((booth) => booth.flags.length > 0).length,
      recordsReceived: booths.reduce((sum, booth) => sum + booth.recordsReceived, 0),
      queued: booths.filter((booth) => booth.status === 'active').reduce((sum, booth) => sum + (booth.heartbeat?.queue.depth ?? 0), 0),
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

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function ago(isoTime: string | null, now: number): string {
  return isoTime ? `${duration(Math.max(0, (now - Date.parse(isoTime)) / 1000))} ago` : '—';
}

/** Jakarta time (WIB, UTC+7, no daylight saving), where most operators are. */
const wib = (isoTime: string) => new Date(Date.parse(isoTime) + 7 * 3_600_000).toISOString().slice(11, 16);

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
  <td>${beat?.queue.oldestAgeSeconds != null ? duration(beat.queue.oldestAgeSeconds) : '—'}</td>
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
<title>Anjungan IKD fleet</title>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; margin: 1.5rem; color: #1a1a1a; }
  h1 { font-size: 1.5rem; margin: 0 0 0.5rem; }
  .summary { margin: 0 0 1rem; font-size: 1.05rem; }
  .demo { background: #fff3cd; border: 2px solid #b58100; padding: 0.5rem 0.75rem; margin-bottom: 1rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
  th, td { border-bottom: 1px solid #ccc; padding: 0.45rem 0.6rem; text-align: left; vertical-align: top; }
  tbody th { white-space: nowrap; position: sticky; left: 0; background: inherit; }
  tr.ok th { background: #fff; }
  .flag { white-space: nowrap; }
  .controls { margin: 0 0 1rem; }
  .controls button { font: inherit; padding: 0.35rem 0.9rem; }
  thead th { background: #f0f0f0; position: sticky; top: 0; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.attention { background: #fde8e8; }
  tr.attention th { box-shadow: inset 6px 0 0 #b00020; }
  tr.ok th { box-shadow: inset 6px 0 0 #1b6e20; }
  .flag { display: inline-block; background: #b00020; color: #fff; border-radius: 0.3rem; padding: 0.05rem 0.45rem; margin: 0.1rem 0; font-weight: 600; }
  .fine { color: #1b6e20; font-weight: 600; }
</style>
</head>
<body>
<h1>Anjungan IKD fleet</h1>
${options.demo ? '<p class="demo"><strong>Demonstration upstream:</strong> its keys are published with the source; nothing here is protected.</p>' : ''}
<p class="summary" aria-live="polite"><strong>${status.totals.needingAttention}</strong> of ${status.totals.booths} booths need attention ·
${status.totals.queued} enrollments queued on booths · ${status.totals.recordsReceived} records received · updated ${escapeHtml(status.generatedAt.slice(11, 19))} UTC (${wib(status.generatedAt)} WIB)</p>
<p class="controls"><button type="button" id="updates" aria-pressed="false">Pause updates</button> The table updates itself every 10 seconds.</p>
<table>
<thead><tr><th scope="col">Booth</th><th scope="col">Attention</th><th scope="col">Queue</th><th scope="col">Oldest waiting</th>
<th scope="col">Received</th><th scope="col">Last heartbeat</th><th scope="col">Last sync</th><th scope="col">Free disk</th>
<th scope="col">Software</th><th scope="col">Self-test</th><th scope="col">Clock offset</th><th scope="col">Last error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="12">No booth is registered yet.</td></tr>'}
</tbody>
</table>
<script>
  // Updates the table and the summary in place every 10 s (no reload: the reader keeps their place and zoom), unless paused.
  const button = document.getElementById('updates');
  let paused = false;
  button.addEventListener('click', () => {
    paused = !paused;
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Resume updates' : 'Pause updates';
  });
  setInterval(async () => {
    if (paused) return;
    try {
      const page = new DOMParser().parseFromString(await (await fetch(location.href)).text(), 'text/html');
      for (const selector of ['tbody', '.summary']) document.querySelector(selector).replaceWith(page.querySelector(selector));
    } catch {
      // The upstream is restarting: the next round tries again.
    }
  }, 10000);
</script>
</body>
</html>
`;
}
