// What main does with one contract call arriving over IPC, apart from the
// IPC plumbing itself: check the sender, check the size, dispatch. Free of
// `electron` imports so it is tested in plain Node.
import type { Dispatch } from '../shared/contract/dispatch';
import { MAX_CALL_BYTES, type ResultEnvelope } from '../shared/contract/envelope';
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
  return { frameUrl: frame?.url, isMainFrameOfBoothWindow: event.sender === boothContents && frame !== null && frame === event.sender.mainFrame };
}

export type IpcRefusal = 'untrusted-sender' | 'not-plain-data' | 'too-large';

/** Answers one IPC call envelope; `onRefused` hears why a call never reached the dispatcher. */
export async function answerIpcCall(dispatch: Dispatch, envelope: unknown, sender: IpcSender, onRefused?: (why: IpcRefusal) => void): Promise<ResultEnvelope> {
  if (!isTrustedSender(sender.frameUrl, sender.isMainFrameOfBoothWindow)) {
    onRefused?.('untrusted-sender');
    return { type: 'result', id: null, result: fail('UNAUTHORIZED', 'Calls are accepted only from the booth page.') };
  }
  // IPC's structured clone carries more than JSON (ArrayBuffer, Map, Date…).
  // The dispatcher gets the JSON form, exactly what the host would get, so
  // the size cap measures what is dispatched and exotic values fail the schemas.
  let text: string | undefined;
  try {
    text = JSON.stringify(envelope);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    onRefused?.('not-plain-data');
    return { type: 'result', id: null, result: fail('BAD_REQUEST', 'A call must be plain data.') };
  }
  const size = Buffer.byteLength(text);
  if (size > MAX_CALL_BYTES) {
    onRefused?.('too-large');
    return { type: 'result', id: null, result: fail('PAYLOAD_TOO_LARGE', `A call may be at most ${MAX_CALL_BYTES} bytes; this one was ${size}.`) };
  }
  return dispatch(JSON.parse(text));
}
