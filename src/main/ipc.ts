// The contract over Electron IPC: one channel for calls, one for events.
// Every call is checked for its sender and size, then dispatched exactly as
// the headless host does.
import { ipcMain, type BrowserWindow } from 'electron';
import type { Booth } from '../core/booth/booth';
import type { Logger } from '../core/logging/logger';
import { createDispatcher } from '../shared/contract/dispatch';
import { MAX_CALL_BYTES, type EventEnvelope, type ResultEnvelope } from '../shared/contract/envelope';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/contract/ipc';
import { fail } from '../shared/contract/result';
import { isTrustedSender } from './policy';

export function wireContract(window: BrowserWindow, booth: Booth, logger: Logger): () => void {
  const dispatch = createDispatcher(booth.handlers, {
    onBug: (method, error) => logger.error({ event: 'contract.bug', method, err: error }, 'handler threw'),
  });

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, envelope: unknown): Promise<ResultEnvelope> => {
    const frame = event.senderFrame;
    const fromBoothWindow = event.sender === window.webContents && frame !== null && frame === event.sender.mainFrame;
    if (!isTrustedSender(frame?.url, fromBoothWindow)) {
      logger.warn({ event: 'contract.refused', code: 'UNAUTHORIZED' }, 'ipc call from an unknown frame');
      return { type: 'result', id: null, result: fail('UNAUTHORIZED', 'Calls are accepted only from the booth page.') };
    }
    let size: number;
    try {
      size = JSON.stringify(envelope ?? null).length;
    } catch {
      return { type: 'result', id: null, result: fail('BAD_REQUEST', 'A call must be plain data.') };
    }
    if (size > MAX_CALL_BYTES) {
      return { type: 'result', id: null, result: fail('PAYLOAD_TOO_LARGE', `A call may be at most ${MAX_CALL_BYTES} bytes.`) };
    }
    return dispatch(envelope);
  });

  const unsubscribe = booth.events.subscribe((event, payload) => {
    if (window.isDestroyed()) return;
    const envelope: EventEnvelope = { type: 'event', event, payload };
    window.webContents.send(IPC_EVENT_CHANNEL, envelope);
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
