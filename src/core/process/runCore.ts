// The core process's side of the channel: waits for the shell's start
// message, composes the booth exactly as an in-process shell would, then
// answers calls with the citizen contract's dispatcher and forwards the
// booth's events. It exits when told to stop (after closing its devices) or
// when its parent is gone; an error it cannot handle ends the process, and
// the shell's supervisor starts a fresh one.
import { ConfigError } from '../config';
import { composeBooth, type ComposedBooth } from '../booth';
import { createDispatcher } from '../../shared/contract/dispatch';
import type { ParentChannel } from './channel';
import { toCoreSchema, type CoreStart, type FromCore } from './protocol';

export interface RunCoreOptions {
  /** Ends the process; tests of this module pass their own. */
  exit?: (code: number) => void;
}

export function runCore(channel: ParentChannel, options: RunCoreOptions = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const send = (message: FromCore) => channel.send(message);
  let composed: ComposedBooth | undefined;
  let dispatch: ReturnType<typeof createDispatcher> | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (code: number) => {
    stopping ??= (async () => {
      try {
        await composed?.booth.dispose();
      } finally {
        composed?.logger.flush();
        send({ type: 'stopped' });
        exit(code);
      }
    })();
    return stopping;
  };

  channel.onParentGone(() => void stop(0));
  channel.onMessage((raw) => {
    const message = toCoreSchema.safeParse(raw);
    if (!message.success) {
      // Only the shell can write here: a message it did not mean is a bug there, not something to guess at.
      composed?.logger.error({ event: 'core.bad_message' }, 'the shell sent a message the core does not know; ignored');
      return;
    }
    const data = message.data;
    switch (data.type) {
      case 'start':
        void start(data);
        return;
      case 'call':
        if (!dispatch) return;
        void dispatch(data.envelope).then((envelope) => send({ type: 'result', envelope }));
        return;
      case 'wipe':
        composed?.booth.session.wipe(data.reason);
        return;
      case 'stop':
        void stop(0);
        return;
    }
  });

  async function start(request: CoreStart) {
    if (composed || stopping) return;
    try {
      composed = await composeBooth({
        configPath: request.configPath,
        config: request.config as never,
        version: request.version,
        rendererDir: request.rendererDir,
        packaged: request.packaged,
        vaultRoot: request.vaultRoot,
        keepModelFiles: false,
      });
    } catch (error) {
      const config = error instanceof ConfigError;
      send({ type: 'failed', kind: config ? 'config' : 'internal', message: config ? error.message : String(error) });
      exit(config ? 2 : 1);
      return;
    }
    const { booth, logger } = composed;
    dispatch = createDispatcher(booth.handlers, {
      onBug: (method, error) => logger.error({ event: 'contract.bug', method, err: error }, 'handler threw'),
    });
    booth.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
    logger.info({ event: 'core.ready', pid: process.pid }, 'core process ready');
    send({ type: 'ready', pid: process.pid });
  }
}
