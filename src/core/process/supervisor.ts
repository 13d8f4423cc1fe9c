// The shell's side of the core process: starts it, forwards the citizen
// contract's calls to it and its events back, and restarts it when it dies.
// While the core is down every call answers OUT_OF_SERVICE at once and the
// pages hear `booth.status` { inService: false }; the citizen's session died
// with the core, so the pages also hear that it is gone. Restarts are
// bounded: after `budget.restarts` deaths within `budget.windowMs` the booth
// stays out of service until a technician restarts it (a core that dies on
// every start would otherwise spin, and a booth that keeps failing should
// not keep inviting citizens in).
import { citizenContract, type Method } from '../../shared/contract/contract';
import type { BoothHandlers } from '../../shared/contract/dispatch';
import { resultEnvelopeSchema } from '../../shared/contract/envelope';
import { fail, type Result } from '../../shared/contract/result';
import type { WipeReason } from '../../shared/contract/schemas';
import { BoothEvents } from '../booth';
import type { Logger } from '../logging';
import type { SpawnedCore } from './channel';
import type { BoothCore } from './core';
import { fromCoreSchema, type CoreStart, type FromCore } from './protocol';

export interface RestartBudget {
  /** Deaths allowed within the window before the supervisor gives up. */
  restarts: number;
  windowMs: number;
}

export interface SuperviseOptions {
  /** Starts one core process (forkCore under the host, utilityProcess under Electron). */
  spawn: () => SpawnedCore;
  start: Omit<CoreStart, 'type'>;
  logger: Logger;
  /**
   * The face models and runtime the shell serves to the renderer, as the shell verified them (verifyModels). The shell checks
   * them itself rather than receive 28 MB from the core at every start; the core checks them again for its own face step.
   */
  faceModelFiles: ReadonlyMap<string, Uint8Array>;
  budget?: RestartBudget;
  /** Waits between a death and the restart, by how many deaths the window holds (the last one repeats). */
  backoffMs?: readonly number[];
  /** A core that has not said ready by then is killed (and counts as a death). */
  readyTimeoutMs?: number;
  /** How long stop() waits for the core to close its devices before killing it. */
  stopTimeoutMs?: number;
}

export type CoreState = 'starting' | 'in-service' | 'restarting' | 'gave-up' | 'stopping' | 'stopped';

export interface SupervisedCore extends BoothCore {
  /**
   * Settles when the first start is decided: resolves once the core says ready, rejects with CoreStartError when it fails. Calls
   * made before then wait for it (a page served while the core starts asks for the booth's info at once).
   */
  readonly ready: Promise<void>;
  state(): CoreState;
  /** The running core's process id (tests kill it; the technician's status shows it). */
  pid(): number | undefined;
  /** How many times the core has been restarted since the shell started. */
  restarts(): number;
}

/** The first start failed: a configuration the core refuses (kind 'config'), or a core that would not start at all. */
export class CoreStartError extends Error {
  constructor(
    readonly kind: 'config' | 'internal',
    message: string,
  ) {
    super(message);
    this.name = 'CoreStartError';
  }
}

export const DEFAULT_RESTART_BUDGET: RestartBudget = { restarts: 5, windowMs: 10 * 60_000 };
const DEFAULT_BACKOFF_MS = [200, 1_000, 2_000, 5_000, 10_000];
/** Beyond the contract's own timeout: a core that has not answered by then is not going to. */
const CALL_SLACK_MS = 5_000;

interface Pending {
  method: Method;
  resolve(result: Result<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Starts the core and resolves once it is ready; rejects with CoreStartError when the first start fails. */
export async function superviseCore(options: SuperviseOptions): Promise<SupervisedCore> {
  const core = startCore(options);
  await core.ready;
  return core;
}

/** Starts the core and answers at once; `ready` says how the first start went. */
export function startCore(options: SuperviseOptions): SupervisedCore {
  const { logger } = options;
  const budget = options.budget ?? DEFAULT_RESTART_BUDGET;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const events = new BoothEvents();
  const pending = new Map<number, Pending>();
  const deaths: number[] = [];
  let state: CoreState = 'starting';
  let child: SpawnedCore | undefined;
  let childPid: number | undefined;
  let nextId = 1;
  let sessionOpen = false;
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let firstStart: { resolve(): void; reject(error: CoreStartError): void } | undefined;
  /** Calls made during the first start, run again once it is decided. */
  let startWaiters: Array<() => void> = [];
  const flushStartWaiters = () => {
    const waiting = startWaiters;
    startWaiters = [];
    for (const resume of waiting) resume();
  };
  let stopped: Promise<void> | undefined;

  function launch() {
    const spawned = options.spawn();
    child = spawned;
    childPid = spawned.pid;
    let exited = false;
    const readyTimer = setTimeout(() => {
      logger.error({ event: 'core.not_ready', pid: spawned.pid, limitMs: readyTimeoutMs }, 'the core did not start in time: ended');
      spawned.kill();
    }, readyTimeoutMs);
    spawned.onMessage((raw) => {
      if (exited || child !== spawned) return;
      const message = fromCoreSchema.safeParse(raw);
      if (!message.success) {
        logger.error({ event: 'core.bad_message' }, 'the core sent a message the shell does not know; ignored');
        return;
      }
      if (message.data.type === 'ready' || message.data.type === 'failed') clearTimeout(readyTimer);
      onCoreMessage(spawned, message.data);
    });
    spawned.onExit((code, signal) => {
      exited = true;
      clearTimeout(readyTimer);
      if (child === spawned) onCoreExit(code, signal);
    });
    spawned.send({ type: 'start', ...options.start });
  }

  function onCoreMessage(spawned: SpawnedCore, message: FromCore) {
    switch (message.type) {
      case 'ready': {
        childPid = message.pid;
        const wasDown = state === 'restarting';
        state = 'in-service';
        logger.info({ event: wasDown ? 'core.restarted' : 'core.started', pid: message.pid, restarts }, 'core process ready');
        if (wasDown) events.emit('booth.status', { inService: true });
        firstStart?.resolve();
        firstStart = undefined;
        flushStartWaiters();
        return;
      }
      case 'failed':
        logger.error({ event: 'core.start_failed', kind: message.kind }, message.message);
        if (firstStart) {
          firstStart.reject(new CoreStartError(message.kind, message.message));
          firstStart = undefined;
          state = 'stopping';
          flushStartWaiters();
        }
        spawned.kill();
        return;
      case 'result':
        return onResult(message.envelope);
      case 'event':
        return onEvent(message.event, message.payload);
      case 'stopped':
        return;
    }
  }

  function onResult(raw: unknown) {
    const envelope = resultEnvelopeSchema.safeParse(raw);
    const id = envelope.success ? envelope.data.id : null;
    const call = id === null ? undefined : pending.get(id);
    if (!envelope.success || !call) {
      logger.error({ event: 'core.bad_result' }, 'the core answered a call nobody made, or in a shape the contract does not have');
      return;
    }
    pending.delete(id!);
    clearTimeout(call.timer);
    call.resolve(envelope.data.result);
  }

  function onEvent(name: string, payload: unknown) {
    if (!citizenContract.isEventName(name) || name === 'booth.status') {
      logger.error({ event: 'core.bad_event', name: name.slice(0, 64) }, 'the core sent an event the contract does not have; dropped');
      return;
    }
    const checked = citizenContract.events[name].safeParse(payload);
    if (!checked.success) {
      logger.error({ event: 'core.bad_event', name }, 'the core sent an event that fails its schema; dropped');
      return;
    }
    if (name === 'session.changed') sessionOpen = checked.data !== null;
    if (name === 'session.wiped') sessionOpen = false;
    events.emit(name, checked.data as never);
  }

  function onCoreExit(code: number | null, signal: string | null) {
    child = undefined;
    if (state === 'stopping' || state === 'stopped') return;
    const hadSession = sessionOpen;
    sessionOpen = false;
    logger.error({ event: 'core.exited', code, signal, hadSession, restarts }, 'the core process ended unexpectedly');
    answerAll('RESTARTING', 'The booth is restarting after a fault; try again in a moment.');
    if (firstStart) {
      firstStart.reject(new CoreStartError('internal', `The core process ended before it was ready (exit ${code ?? signal}).`));
      firstStart = undefined;
      state = 'stopped';
      flushStartWaiters();
      return;
    }
    // The citizen's session lived in the core: the pages learn it is gone, and that the booth is out of service for now.
    if (hadSession) events.emit('session.changed', null);
    if (state === 'in-service') events.emit('booth.status', { inService: false });
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! <= now - budget.windowMs) deaths.shift();
    if (deaths.length > budget.restarts) {
      state = 'gave-up';
      logger.fatal(
        { event: 'core.gave_up', deaths: deaths.length, windowMs: budget.windowMs },
        'the core keeps failing: the booth stays out of service until it is restarted',
      );
      return;
    }
    state = 'restarting';
    const wait = backoff[Math.min(deaths.length - 1, backoff.length - 1)] ?? 0;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (state !== 'restarting') return;
      restarts += 1;
      launch();
    }, wait);
  }

  function answerAll(reason: string, message: string) {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      call.resolve(fail('OUT_OF_SERVICE', message, { reason }));
      pending.delete(id);
    }
  }

  function outOfService(): Result<never> | null {
    switch (state) {
      case 'in-service':
        return null;
      case 'gave-up':
        return fail('OUT_OF_SERVICE', 'This booth is out of service; please ask an officer.', { reason: 'GAVE_UP' });
      case 'stopping':
      case 'stopped':
        return fail('OUT_OF_SERVICE', 'This booth is shutting down.', { reason: 'STOPPING' });
      default:
        return fail('OUT_OF_SERVICE', 'The booth is restarting after a fault; try again in a moment.', { reason: 'RESTARTING' });
    }
  }

  function call(method: Method, params: unknown): Promise<Result<unknown>> {
    // Bounded by the ready timeout: the first start is decided by then.
    if (state === 'starting') return new Promise((resolve) => startWaiters.push(() => resolve(call(method, params))));
    const refused = outOfService();
    if (refused || !child) return Promise.resolve(refused ?? fail('OUT_OF_SERVICE', 'The booth is restarting.', { reason: 'RESTARTING' }));
    const id = nextId++;
    const target = child;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          pending.delete(id);
          logger.error({ event: 'core.call_timeout', method }, 'the core did not answer a call in time');
          resolve(fail('TIMEOUT', 'The booth took too long to answer.'));
        },
        citizenContract.timeoutMs(method) + CALL_SLACK_MS,
      );
      pending.set(id, { method, resolve, timer });
      target.send({ type: 'call', envelope: { type: 'call', id, method, params } });
    });
  }

  const handlers = Object.fromEntries(
    citizenContract.methods.map((method) => [method, (params: unknown) => call(method, params)]),
  ) as unknown as BoothHandlers;

  let markReady!: () => void;
  let markFailed!: (error: CoreStartError) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // Whoever awaits `ready` sees a failure; nobody awaiting it is not an unhandled rejection.
  ready.catch(() => undefined);

  const core: SupervisedCore = {
    ready,
    handlers,
    events,
    faceModelFiles: options.faceModelFiles,
    hasSession: () => sessionOpen,
    wipe(reason: WipeReason) {
      if (state === 'in-service') child?.send({ type: 'wipe', reason });
    },
    state: () => state,
    pid: () => (child ? childPid : undefined),
    restarts: () => restarts,
    stop() {
      stopped ??= (async () => {
        const running = child;
        state = 'stopping';
        clearTimeout(restartTimer);
        answerAll('STOPPING', 'This booth is shutting down.');
        flushStartWaiters();
        if (running) {
          const exited = new Promise<void>((resolve) =>
            running.onExit((code, signal) => {
              // A signal here is the core ending itself past a stuck driver call (card/pcsc/stuckCalls.ts), or the kill below.
              logger.info({ event: 'core.stopped', code, signal }, 'core process stopped');
              resolve();
            }),
          );
          running.send({ type: 'stop' });
          const killer = setTimeout(() => {
            logger.warn({ event: 'core.stop_timeout', limitMs: stopTimeoutMs }, 'the core did not stop in time: killed');
            running.kill();
          }, stopTimeoutMs);
          await exited;
          clearTimeout(killer);
        }
        state = 'stopped';
      })();
      return stopped;
    },
  };

  firstStart = { resolve: markReady, reject: markFailed };
  launch();
  return core;
}
