// The contract over Electron IPC: one channel for calls, one for events.
// Every call is checked for its sender and size (ipcCall.ts), then
// dispatched exactly as the headless host does.
import { ipcMain, type BrowserWindow } from 'electron';
import type { BoothCore } from '../core/process';
import type { Logger } from '../core/logging/logger';
import { createDispatcher } from '../shared/contract/dispatch';
import type { EventEnvelope, ResultEnvelope } from '../shared/contract/envelope';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/contract/ipc';
import { answerIpcCall, describeSender } from './ipcCall';

export function wireContract(window: BrowserWindow, core: BoothCore, logger: Logger): () => void {
  const dispatch = createDispatcher(core.handlers, {
    onBug: (method, error) =>
      logger.error({ event: 'contract.bug', method, err: error }, 'handler threw or answered an undeclared failure'),
  });

  ipcMain.handle(IPC_CALL_CHANNEL, (event, envelope: unknown): Promise<ResultEnvelope> =>
    answerIpcCall(dispatch, envelope, describeSender(event, window.webContents), (why) =>
      logger.warn({ event: 'contract.refused', why }, 'ipc call refused'),
    ),
  );

  const unsubscribe = core.events.subscribe((event, payload) => {
    if (window.isDestroyed()) return;
    const envelope: EventEnvelope = { type: 'event', event, payload };
    window.webContents.send(IPC_EVENT_CHANNEL, envelope);
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
