// The supervisor against real child processes that misbehave on purpose
// (test/fixtures/core/misbehaving-core.mjs): restarts within the budget,
// gives up past it, refuses a core that will not start, and checks what a
// core sends before passing it on.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreStartError, forkCore, startCore, superviseCore, type SupervisedCore, type SuperviseOptions } from '../../src/core/process';

import { memoryLogger } from '../support/memoryLog';

const fixture = resolve(import.meta.dirname, '../fixtures/core/misbehaving-core.mjs');
const started: SupervisedCore[] = [];
afterEach(async () => {
  for (const core of started.splice(0)) await core.stop();
});

function supervise(mode: string, options: Partial<SuperviseOptions> = {}, env: NodeJS.ProcessEnv = {}) {
  const { logger, text: log } = memoryLogger();
  const spawned: number[] = [];
  const core = superviseCore({
    spawn: () => {
      const child = forkCore(fixture, { env: { CORE_MODE: mode, ...env }, execArgv: [] });
      if (child.pid) spawned.push(child.pid);
      return child;
    },
    start: { version: '0.0.0-test' },
    logger,
    faceModelFiles: new Map(),
    backoffMs: [20],
    stopTimeoutMs: 1_000,
    ...options,
  });
  void core.then((c) => started.push(c)).catch(() => undefined);
  return { core, log, spawned };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the core supervisor', () => {
  it('lets calls made while the core starts wait for it, and answers them once it is ready', async () => {
    const { logger, text: log } = memoryLogger();
    const core = startCore({
      spawn: () => forkCore(fixture, { env: { CORE_MODE: 'echo', CORE_READY_DELAY_MS: '600' }, execArgv: [] }),
      start: { version: '0.0.0-test' },
      logger,
      faceModelFiles: new Map(),
      stopTimeoutMs: 1_000,
    });
    started.push(core);
    const asked = Date.now();
    const info = core.handlers['booth.info']({});
    expect(core.state()).toBe('starting');
    expect(await info).toMatchObject({ ok: true, value: { boothId: 'ECHO' } });
    expect(Date.now() - asked).toBeGreaterThanOrEqual(500);
    expect(core.state()).toBe('in-service');
    expect(log()).toContain('"event":"core.started"');
  });

  it('answers calls that waited for a first start that failed', async () => {
    const core = startCore({
      spawn: () => forkCore(fixture, { env: { CORE_MODE: 'silent' }, execArgv: [] }),
      start: { version: '0.0.0-test' },
      logger: memoryLogger('silent').logger,
      faceModelFiles: new Map(),
      readyTimeoutMs: 400,
    });
    const info = core.handlers['booth.info']({});
    await expect(core.ready).rejects.toBeInstanceOf(CoreStartError);
    expect(await info).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE' } });
  });

  it('restarts a core that dies, telling the pages, and gives up after its budget', async () => {
    const run = supervise('crash-after-ready', { budget: { restarts: 2, windowMs: 60_000 } });
    const core = await run.core;
    const statuses: boolean[] = [];
    core.events.subscribe((event, payload) => {
      if (event === 'booth.status') statuses.push((payload as { inService: boolean }).inService);
    });
    await expect.poll(() => core.state(), { timeout: 20_000 }).toBe('gave-up');
    // Three deaths: the first start and two restarts; the third death is past the budget of two.
    expect(run.spawned).toHaveLength(3);
    expect(core.restarts()).toBe(2);
    expect(statuses).toEqual([false, true, false, true, false]);
    expect(await core.handlers['booth.info']({})).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE', reason: 'GAVE_UP' } });
    expect(run.log()).toContain('"event":"core.gave_up"');
    expect((run.log().match(/"event":"core.exited"/g) ?? []).length).toBe(3);
    expect(run.spawned.filter(alive)).toEqual([]);
  }, 30_000);

  it('refuses to start when the core refuses its configuration, with the core’s own words', async () => {
    const run = supervise('refuse-config');
    const error = await run.core.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CoreStartError);
    expect(error).toMatchObject({ kind: 'config', message: expect.stringContaining('devices.card.driver') });
    await expect.poll(() => run.spawned.filter(alive), { timeout: 5_000 }).toEqual([]);
  });

  it('ends a core that never says it is ready, and says so', async () => {
    const run = supervise('silent', { readyTimeoutMs: 500 });
    const error = await run.core.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'internal' });
    expect(run.log()).toContain('"event":"core.not_ready"');
    await expect.poll(() => run.spawned.filter(alive), { timeout: 5_000 }).toEqual([]);
  });

  it('passes on what the contract allows and drops what it does not; kills a core that will not stop', async () => {
    const run = supervise('echo');
    const core = await run.core;
    const events: Array<[string, unknown]> = [];
    core.events.subscribe((event, payload) => events.push([event, payload]));
    expect(await core.handlers['booth.info']({})).toMatchObject({ ok: true, value: { boothId: 'ECHO' } });
    // Of the three events sent before that answer, only the one the contract allows reached the pages.
    expect(events).toEqual([['card.progress', { stage: 'card', fraction: 0.5 }]]);
    expect((run.log().match(/"event":"core.bad_event"/g) ?? []).length).toBe(2);
    // An answer in no shape the contract knows is dropped; the caller is answered when the core stops (or at the timeout).
    const answer = core.handlers['session.get']({});
    await expect.poll(() => run.log(), { timeout: 5_000 }).toContain('"event":"core.bad_result"');
    const pid = core.pid()!;
    const stopping = Date.now();
    await core.stop();
    // The echo core ignores stop: it is killed after the stop timeout (1 s here).
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(900);
    expect(alive(pid)).toBe(false);
    expect(run.log()).toContain('"event":"core.stop_timeout"');
    expect(await answer).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE', reason: 'STOPPING' } });
    expect(await core.handlers['booth.info']({})).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE', reason: 'STOPPING' } });
  });
});
