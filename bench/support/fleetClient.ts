// One process of simulated booths for `npm run bench -- sync` (bench/sync.ts):
// each booth has its own Ed25519 key, registers itself with the upstream
// (open registration), seals its own enrollments of realistic size ahead of
// time (as a real booth has them sealed in its vault), then, on the
// parent's "go", sends them in signed batches as the parent's plan says:
// one batch every `intervalMs` (open loop, a fleet's steady traffic) or
// back to back (closed loop, the upstream's ceiling). It reports each
// request's latency and outcome to the parent. Bounded by `durationMs`.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { signBoothRequest } from '../../src/core/sync';
import { cbor, sealRecord, uuidv7, x25519PublicKey } from '../../src/core/vault';
import { sampleEnrollment, sampleNik } from '../../test/support/vault';

export interface FleetClientPlan {
  url: string;
  sealingKey: { id: string; publicKey: string };
  firstBooth: number;
  booths: number;
  recordsPerBooth: number;
  batch: number;
  /** null: back to back. */
  intervalMs: number | null;
  durationMs: number;
  /** The first part of durationMs, left out of the parent's figures: cpuSeconds is counted from its end. */
  warmupMs: number;
}

export interface FleetClientReport {
  /** When each request was sent, in ms since "go" (the parent leaves out those sent during its warm-up). */
  sentMs: number[];
  latenciesMs: number[];
  /** The upstream's own time for each request (its Server-Timing header; NaN without one). */
  serverMs: number[];
  /** [ms since go when sent, ms since go when answered, records accepted] for each answered request. */
  accepted: Array<[number, number, number]>;
  failedRequests: number;
  /** Requests the upstream answered 503 BUSY (sent again after its Retry-After, as a booth does). */
  shedRequests: number;
  refusedRecords: number;
  errors: string[];
  /** This process's CPU time from the end of the warm-up to the report. */
  cpuSeconds: number;
}

const send = (message: unknown) => process.send?.(message);

// node:http with a keep-alive agent rather than fetch: the simulated booths share the machine with the upstream under test,
// and fetch's web streams cost them about twice the CPU per megabyte sent.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function post(url: string, headers: Record<string, string>, body: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', reject);
      },
    );
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error('no answer in 60 s')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function main(plan: FleetClientPlan): Promise<void> {
  const recipient = x25519PublicKey(Buffer.from(plan.sealingKey.publicKey, 'base64url'));
  // Each booth's batches are encoded ahead of time, as a booth has its outbox ready to send: what the simulated booths spend
  // at run time (signing, the digest, the HTTP write) shares this machine's two cores with the upstream under test.
  const booths: Array<{ id: string; key: KeyObject; batches: Uint8Array[] }> = [];
  // A handful of contents, each re-sealed under every record's own id (the upstream checks the id inside the content).
  const templates = [0, 1, 2, 3].map((seed) => sampleEnrollment(plan.firstBooth * 10 + seed).content);
  for (let index = 0; index < plan.booths; index++) {
    const id = `SIM-${String(plan.firstBooth + index).padStart(4, '0')}`;
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const body = Buffer.from(JSON.stringify({ boothId: id, publicKey: publicKey.export({ format: 'jwk' }).x, softwareVersion: 'bench' }));
    const signed = await signBoothRequest({
      method: 'POST',
      url: `${plan.url}/v1/booths/register`,
      body,
      contentType: 'application/json',
      boothId: id,
      signingKey: privateKey,
      created: new Date(),
    });
    const answer = await fetch(signed.url, { method: 'POST', headers: signed.headers, body });
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`registering ${id}: ${answer.status} ${await answer.text()}`);
    const records: Uint8Array[] = [];
    for (let n = 0; n < plan.recordsPerBooth; n++) {
      const recordId = uuidv7();
      // Every enrollment is another citizen's, as in a real fleet (the upstream indexes the NIK).
      const template = templates[n % templates.length]!;
      const nik = sampleNik((plan.firstBooth + index) * 100_000 + n);
      const content = {
        ...template,
        enrollmentId: recordId,
        boothId: id,
        citizen: { ...template.citizen, nik },
        chip: { ...template.chip, biodata: { ...template.chip.biodata, nik } },
      };
      records.push(
        sealRecord({ id: recordId, kind: 'enrollment', about: null, boothId: id, createdAt: new Date().toISOString() }, content, {
          recipient,
          recipientKeyId: plan.sealingKey.id,
          signing: privateKey,
        }),
      );
    }
    const batches: Uint8Array[] = [];
    for (let offset = 0; offset < records.length; offset += plan.batch)
      batches.push(Uint8Array.from(cbor.encode({ records: records.slice(offset, offset + plan.batch) })));
    booths.push({ id, key: privateKey, batches });
  }
  // The setup's garbage (every record sealed, then copied into its batch) is collected now, not by a collection in the
  // first seconds of the run, when it would take this process's share of the CPU the upstream is measured on.
  (globalThis as { gc?: () => void }).gc?.();
  send({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  const report: FleetClientReport = {
    sentMs: [],
    latenciesMs: [],
    serverMs: [],
    accepted: [],
    failedRequests: 0,
    shedRequests: 0,
    refusedRecords: 0,
    errors: [],
    cpuSeconds: 0,
  };
  let cpuAtStart = process.cpuUsage();
  const warmedUp = setTimeout(() => (cpuAtStart = process.cpuUsage()), plan.warmupMs);
  const go = performance.now();
  const until = go + plan.durationMs;
  await Promise.all(
    booths.map(async (booth, index) => {
      // Open loop: each booth's first batch at a random phase of the interval, so the fleet's requests are spread.
      let next = go + (plan.intervalMs === null ? 0 : (plan.intervalMs * index) / booths.length);
      let nextBatch = 0;
      while (nextBatch < booth.batches.length && performance.now() < until) {
        if (plan.intervalMs !== null) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          next += plan.intervalMs;
          if (performance.now() >= until) break;
        }
        const body = booth.batches[nextBatch++]!;
        const started = performance.now();
        try {
          const signed = await signBoothRequest({
            method: 'POST',
            url: `${plan.url}/v1/records`,
            body,
            contentType: 'application/cbor',
            boothId: booth.id,
            signingKey: booth.key,
            created: new Date(),
          });
          const answer = await post(signed.url, signed.headers, body);
          const bytes = answer.body;
          const ended = performance.now();
          report.sentMs.push(started - go);
          report.latenciesMs.push(ended - started);
          const timing = /app;dur=([\d.]+)/.exec(String(answer.headers['server-timing'] ?? ''));
          report.serverMs.push(timing ? Number(timing[1]) : Number.NaN);
          // BENCH_PHASES=MS: the upstream's phases for every request that took MS or longer.
          if (process.env['BENCH_PHASES'] && ended - started >= Number(process.env['BENCH_PHASES']))
            console.log(`${Math.round(ended - started)} ms: ${String(answer.headers['server-timing'])}`);
          if (answer.status === 503) {
            // Load shed: the same batch again after Retry-After, as a booth's sync does.
            report.shedRequests++;
            nextBatch--;
            await new Promise((resolve) => setTimeout(resolve, Number(answer.headers['retry-after'] ?? '1') * 1000));
            continue;
          }
          if (answer.status !== 200) {
            report.failedRequests++;
            if (report.errors.length < 5) report.errors.push(`${answer.status} ${Buffer.from(bytes).toString('utf8').slice(0, 200)}`);
            continue;
          }
          const results = (cbor.decode(bytes) as { results: Array<{ status: number }> }).results;
          const ok = results.filter((result) => result.status === 201 || result.status === 200).length;
          report.refusedRecords += results.length - ok;
          report.accepted.push([started - go, ended - go, ok]);
        } catch (error) {
          report.failedRequests++;
          if (report.errors.length < 5) report.errors.push((error as Error).message);
        }
      }
    }),
  );
  clearTimeout(warmedUp);
  const cpu = process.cpuUsage(cpuAtStart);
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  send({ report });
}

process.once('message', (plan: FleetClientPlan) => {
  main(plan).then(
    () => process.exit(0),
    (error: unknown) => {
      send({ error: (error as Error).stack ?? String(error) });
      process.exit(1);
    },
  );
});
