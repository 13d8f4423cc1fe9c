// The worker client against real worker_threads threads running a real
// module (fixtures/test.worker.ts, loaded from source through tsx as any
// capability's worker is under vitest). Timeouts that must pass are
// generous (the machine is slow and each start loads tsx); the ones a test
// expects to fire are short, and nothing asserts how long anything took
// except upper bounds.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerClient, type WorkerClient, type WorkerClientOptions, type WorkerNoticeEvent } from '../../../src/core/workers';
import type { TestWorkerApi } from './fixtures/api';

const testWorker = new URL('./fixtures/test.worker.ts', import.meta.url);
const brokenWorker = new URL('./fixtures/broken.worker.ts', import.meta.url);
const PATIENT_MS = 15_000;

const clients: Array<WorkerClient<TestWorkerApi>> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
});

function open(options: Partial<WorkerClientOptions> = {}) {
  const notices: Array<{ event: WorkerNoticeEvent; message: string }> = [];
  const client = createWorkerClient<TestWorkerApi>({
    name: 'test-worker',
    entry: testWorker,
    timeoutMs: PATIENT_MS,
    onNotice: (event, message) => notices.push({ event, message }),
    ...options,
  });
  clients.push(client);
  return { client, notices };
}

describe('worker client: calls', () => {
  it('answers a call from the worker thread, typed', async () => {
    const { client } = open();
    const result = await client.call('echo', { text: 'halo' });
    expect(result).toEqual({ ok: true, value: { text: 'halo', threadId: expect.any(Number) } });
    if (result.ok) expect(result.value.threadId).toBeGreaterThan(0); // not the main thread (0)
    expect(client.state).toBe('running');
  });

  it('moves a transferred buffer to the worker (detached here) and a result buffer back', async () => {
    const { client } = open();
    const bytes = Uint8Array.from([1, 2, 3, 250]).buffer;
    const summed = await client.call('sumBytes', { bytes }, { transfer: [bytes] });
    expect(summed).toEqual({ ok: true, value: { sum: 256, byteLength: 4 } });
    expect(bytes.byteLength).toBe(0); // moved, not copied

    const made = await client.call('makeBytes', { length: 300 });
    expect(made.ok && new Uint8Array(made.value).slice(254, 258)).toEqual(Uint8Array.from([254, 255, 0, 1]));
    expect(await client.call('lastMadeIsDetached', undefined)).toEqual({ ok: true, value: true });
  });

  it('answers HANDLER_FAILED with the message only when a handler throws, and the worker lives on', async () => {
    const { client } = open();
    const before = await client.call('echo', { text: 'a' });
    const failed = await client.call('fail', { message: 'no record for NIK 3201234567890001' });
    expect(failed).toMatchObject({ ok: false, reason: 'HANDLER_FAILED', sent: true });
    expect(!failed.ok && failed.message).toBe('test-worker.fail: Error: no record for NIK 3201234567890001');
    const after = await client.call('echo', { text: 'b' });
    expect(after.ok && before.ok && after.value.threadId).toBe(before.ok && before.value.threadId);
    expect(client.restarts).toBe(0);
  });

  it('answers HANDLER_FAILED for a result that cannot be cloned back, and for a method the worker lacks', async () => {
    const { client } = open();
    expect(await client.call('unclonable', undefined)).toMatchObject({ ok: false, reason: 'HANDLER_FAILED', sent: true });
    const call = client.call as (method: string, params: unknown) => ReturnType<typeof client.call>;
    const unknown = await call('format', {});
    expect(unknown).toMatchObject({ ok: false, reason: 'HANDLER_FAILED' });
    expect(!unknown.ok && unknown.message).toContain('no handler for method "format"');
  });

  it('answers UNSENDABLE for params that cannot be posted, without sending or breaking anything', async () => {
    const { client } = open();
    const call = client.call as (method: string, params: unknown, options?: object) => ReturnType<typeof client.call>;
    expect(await call('echo', { text: 'x', callback: () => undefined })).toMatchObject({ ok: false, reason: 'UNSENDABLE', sent: false });
    const port = new MessageChannel().port1; // a MessagePort may be transferred, never cloned
    expect(await client.call('echo', { text: 'x', port } as never)).toMatchObject({ ok: false, reason: 'UNSENDABLE', sent: false });
    port.close();
    expect(await client.call('echo', { text: 'still here' })).toMatchObject({ ok: true, value: { text: 'still here' } });
  });

  it('checks method names and params at compile time', () => {
    const { client } = open();
    // @ts-expect-error no such method
    void client.call('nope', {});
    // @ts-expect-error wrong params
    void client.call('echo', { text: 1 });
    expect(client.state).toBe('running');
  });
});

describe('worker client: timeouts', () => {
  it('answers TIMEOUT for a call the worker holds too long, restarts the stuck worker, and serves the next call', async () => {
    const { client, notices } = open();
    const first = await client.call('echo', { text: 'before' });
    const stuck = await client.call('hang', { how: 'loop' }, { timeoutMs: 500 });
    expect(stuck).toMatchObject({ ok: false, reason: 'TIMEOUT', sent: true });
    expect(!stuck.ok && stuck.message).toContain('hang did not answer within 500 ms');
    const next = await client.call('echo', { text: 'after' });
    expect(next).toMatchObject({ ok: true, value: { text: 'after' } });
    expect(next.ok && first.ok && next.value.threadId).not.toBe(first.ok && first.value.threadId);
    expect(client.restarts).toBe(1);
    expect(notices.map(({ event }) => event)).toEqual(['worker.crashed', 'worker.restarted']);
  });

  it('with restartOnTimeout false, keeps the worker and its slot: a call queued behind answers TIMEOUT unsent', async () => {
    const { client } = open({ restartOnTimeout: false });
    const stuck = client.call('hang', { how: 'promise' }, { timeoutMs: 400 });
    const behind = client.call('echo', { text: 'queued' }, { timeoutMs: 800 });
    expect(await stuck).toMatchObject({ ok: false, reason: 'TIMEOUT', sent: true });
    const late = await behind;
    expect(late).toMatchObject({ ok: false, reason: 'TIMEOUT', sent: false });
    expect(!late.ok && late.message).toContain('still queued');
    expect(client.restarts).toBe(0);
  });
});

describe('worker client: crashes and the restart budget', () => {
  it.each([
    [{ how: 'uncaught', message: 'tensor shape mismatch' } as const, 'crashed (uncaught Error: tensor shape mismatch)'],
    [{ how: 'exit', code: 3 } as const, 'exited with code 3'],
  ])('answers WORKER_CRASHED when the worker dies mid-call (%o), then serves the next call on a new worker', async (how, why) => {
    const { client, notices } = open();
    const first = await client.call('echo', { text: 'before' });
    const crashed = await client.call('crash', how);
    expect(crashed).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(!crashed.ok && crashed.message).toBe(`test-worker ${why} while it held crash`);
    const next = await client.call('echo', { text: 'after' });
    expect(next).toMatchObject({ ok: true, value: { text: 'after' } });
    expect(next.ok && first.ok && next.value.threadId).not.toBe(first.ok && first.value.threadId);
    expect(client.restarts).toBe(1);
    expect(notices[0]).toEqual({ event: 'worker.crashed', message: `test-worker ${why}` });
  });

  it('answers WORKER_CRASHED when the worker runs out of its resourceLimits heap', async () => {
    const { client } = open({ resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const crashed = await client.call('crash', { how: 'oom' });
    expect(crashed).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(!crashed.ok && crashed.message).toContain('ran out of memory');
    expect(await client.call('echo', { text: 'after' })).toMatchObject({ ok: true });
  });

  it('fails every call the worker held, and carries the queued ones (never sent) to the new worker', async () => {
    const { client } = open({ concurrency: 2 });
    const held = client.call('hang', { how: 'promise' });
    const crashing = client.call('crash', { how: 'exit', code: 1 });
    const queued = client.call('echo', { text: 'waited' });
    expect(await held).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(await crashing).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(await queued).toMatchObject({ ok: true, value: { text: 'waited' } });
  });

  it('gives up after the restart budget: UNAVAILABLE for every call until stop()', async () => {
    const { client, notices } = open({ restartBudget: { max: 2, windowMs: 60_000 } });
    for (let crash = 0; crash < 3; crash++) {
      expect(await client.call('crash', { how: 'exit', code: 2 })).toMatchObject({ ok: false, reason: 'WORKER_CRASHED' });
    }
    expect(client.state).toBe('unavailable');
    expect(client.restarts).toBe(2);
    const refused = await client.call('echo', { text: 'anyone?' });
    expect(refused).toMatchObject({ ok: false, reason: 'UNAVAILABLE', sent: false });
    expect(notices.map(({ event }) => event).at(-1)).toBe('worker.unavailable');
    await client.stop();
    expect(client.state).toBe('stopped');
    expect(await client.call('echo', { text: 'x' })).toMatchObject({ ok: false, reason: 'STOPPED' });
  });

  it('counts a module that fails to load against the budget, then answers what is still queued UNAVAILABLE, unsent', async () => {
    const { client, notices } = open({ entry: brokenWorker, restartBudget: { max: 1, windowMs: 60_000 } });
    // One at a time: the first thread takes a, dies loading; the second takes b, dies too; c never leaves the queue.
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((text) => client.call('echo', { text })));
    expect(a).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(!a!.ok && a!.message).toContain('the model file is unreadable');
    expect(b).toMatchObject({ ok: false, reason: 'WORKER_CRASHED', sent: true });
    expect(c).toMatchObject({ ok: false, reason: 'UNAVAILABLE', sent: false });
    expect(client.state).toBe('unavailable');
    expect(notices.map(({ event }) => event)).toEqual(['worker.crashed', 'worker.restarted', 'worker.crashed', 'worker.unavailable']);
  });
});

describe('worker client: serial and concurrent calls', () => {
  it('runs calls one at a time, in the order they were made, by default', async () => {
    const { client } = open();
    // Later calls are shorter: run side by side they would finish first.
    const tags = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(tags.map((tag, index) => client.call('step', { tag, ms: (tags.length - index) * 60 })));
    const answers = results.map((result) => (result.ok ? result.value : result));
    expect(answers.at(-1)).toEqual({ tag: 'e', arrivals: tags, mostHeld: 1 });
    expect(answers.map((answer) => ('arrivals' in answer ? answer.arrivals.length : 0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('holds up to `concurrency` calls at once', async () => {
    const { client } = open({ concurrency: 3 });
    // Each gate answers only when three are held together: this finishes only if the client sends three at once.
    const results = await Promise.all([1, 2, 3].map(() => client.call('gate', { count: 3 })));
    expect(results.every((result) => result.ok && result.value.held === 3)).toBe(true);
  });

  it('answers QUEUE_FULL past maxQueued, without queueing the call', async () => {
    const { client } = open({ maxQueued: 2 });
    const held = client.call('hang', { how: 'promise' });
    const queued = [client.call('echo', { text: '1' }), client.call('echo', { text: '2' })];
    const refused = await client.call('echo', { text: '3' });
    expect(refused).toMatchObject({ ok: false, reason: 'QUEUE_FULL', sent: false });
    await client.stop();
    expect(await held).toMatchObject({ ok: false, reason: 'STOPPED', sent: true });
    expect(await Promise.all(queued)).toEqual([
      expect.objectContaining({ ok: false, reason: 'STOPPED', sent: false }),
      expect.objectContaining({ ok: false, reason: 'STOPPED', sent: false }),
    ]);
  });
});

describe('worker client: stop', () => {
  it('runs the worker close hook and ends the thread; a second stop() is the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booth-workers-'));
    try {
      const closeMarker = join(dir, 'closed');
      const { client, notices } = open({ workerData: { closeMarker } });
      expect(await client.call('echo', { text: 'x' })).toMatchObject({ ok: true });
      const stopping = client.stop();
      expect(client.stop()).toBe(stopping);
      await stopping;
      expect(existsSync(closeMarker)).toBe(true);
      expect(notices.map(({ event }) => event)).not.toContain('worker.stop_forced');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers held calls STOPPED and terminates a worker that cannot close, within its bound', async () => {
    const { client, notices } = open({ stopTimeoutMs: 1_000 });
    // The close message comes after this call, so the looping worker never reads it: only terminate() ends it.
    const stuck = client.call('hang', { how: 'loop' });
    const started = Date.now();
    await client.stop();
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(await stuck).toMatchObject({ ok: false, reason: 'STOPPED', sent: true });
    expect(notices.map(({ event }) => event)).toContain('worker.stop_forced');
    expect(client.state).toBe('stopped');
  });
});
