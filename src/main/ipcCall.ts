// What main does with one contract call arriving over IPC, apart from the
// IPC plumbing itself: check the sender, check the size, dispatch. Free of
// `electron` imports so it is tested in plain Node.
import type { Dispatch } from '../shared/contract/dispatch';
import type { ResultEnvelope } from '../shared/contract/envelope';
import { decodeCallFrame } from '../shared/contract/frames';
import { fail } from '../shared/contract/result';
import { isTrustedSender } from './policy';

export interface IpcSender {
  /** URL of the frame that sent the call, if Electron still knows it. */
  frameUrl: string | undefined;
  /** True when that frame is the main frame of the booth window. */
  isMainFrameOfBoothWindow: boolean;
}

/** The parts of Electron's IpcMainInvokeEvent this check reads. */
export interface IpcEventLike {
  sender: { mainFrame: unknown };
  senderFrame: { url: string } | null;
}

/** Who sent an IPC call: the main frame of the booth window, or something else. */
export function describeSender(event: IpcEventLike, boothContents: unknown): IpcSender {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url,
    isMainFrameOfBoothWindow: event.sender === boothContents && frame !== null && frame === event.sender.mainFrame,
  };
}

export type IpcRefusal = 'untrusted-sender' | 'not-plain-data' | 'too-large';

/** Answers one IPC call envelope; `onRefused` hears why a call never reached the dispatcher. */
export async function answerIpcCall(
  dispatch: Dispatch,
  envelope: unknown,
  sender: IpcSender,
  onRefused?: (why: IpcRefusal) => void,
): Promise<ResultEnvelope> {
  if (!isTrustedSender(sender.frameUrl, sender.isMainFrameOfBoothWindow)) {
    onRefused?.('untrusted-sender');
    return { type: 'result', id: null, result: fail('UNAUTHORIZED', 'Calls are accepted only from the booth page.') };
  }
  // The preload sends exactly what the host's WebSocket carries: JSON text,
  // or a binary frame when the call has bytes. Anything else (an object
  // cloned by IPC) is refused, so both transports are checked the same way.
  if (typeof envelope !== 'string' && !(envelope instanceof Uint8Array)) {
    onRefused?.('not-plain-data');
    return { type: 'result', id: null, result: fail('BAD_REQUEST', 'A call must be an encoded call frame.') };
  }
  const frame = decodeCallFrame(envelope);
  if (!frame.ok) {
    onRefused?.(frame.tooLarge ? 'too-large' : 'not-plain-data');
    return { type: 'result', id: null, result: fail(frame.tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', frame.message) };
  }
  return dispatch(frame.envelope);
}
