// Main's handling of one IPC call, without the Electron binary: the sender
// check and the frame decoding (the same frames the host's WebSocket
// carries) come before the dispatcher.
import { describe, expect, it } from 'vitest';
import { answerIpcCall, describeSender, type IpcRefusal } from '../../src/main/ipcCall';
import { createDispatcher } from '../../src/shared/contract/dispatch';
import { encodeCallFrame } from '../../src/shared/contract/frames';
import { inProcessBooth } from '../support/inProcess';

const { booth } = await inProcessBooth();

describe('IPC call handling in main', () => {
  const dispatch = createDispatcher(booth.handlers);
  const boothFrame = { frameUrl: 'app://booth/index.html', isMainFrameOfBoothWindow: true };
  const call = encodeCallFrame({ type: 'call', id: 1, method: 'booth.info', params: {} });

  it('serves the booth window main frame', async () => {
    expect(await answerIpcCall(dispatch, call, boothFrame)).toMatchObject({ id: 1, result: { ok: true } });
  });

  it.each([
    ['a sub-frame', { frameUrl: 'app://booth/index.html', isMainFrameOfBoothWindow: false }],
    ['a page from elsewhere', { frameUrl: 'https://evil.example/', isMainFrameOfBoothWindow: true }],
    ['a destroyed frame', { frameUrl: undefined, isMainFrameOfBoothWindow: true }],
  ])('refuses %s as UNAUTHORIZED before dispatching', async (_name, sender) => {
    const refused: IpcRefusal[] = [];
    const started = encodeCallFrame({ type: 'call', id: 2, method: 'session.start', params: {} });
    expect(await answerIpcCall(dispatch, started, sender, (why) => refused.push(why))).toMatchObject({
      id: null,
      result: { ok: false, error: { code: 'UNAUTHORIZED' } },
    });
    expect(refused).toEqual(['untrusted-sender']);
    expect(booth.session.snapshot()).toBeNull();
  });

  it('recognises the booth window main frame among frames and windows', () => {
    const mainFrame = { url: 'app://booth/index.html' };
    const boothContents = { mainFrame };
    const otherContents = { mainFrame: { url: 'app://booth/index.html' } };
    const subFrame = { url: 'app://booth/index.html' };
    expect(describeSender({ sender: boothContents, senderFrame: mainFrame }, boothContents)).toEqual({
      frameUrl: 'app://booth/index.html',
      isMainFrameOfBoothWindow: true,
    });
    expect(describeSender({ sender: boothContents, senderFrame: subFrame }, boothContents).isMainFrameOfBoothWindow).toBe(false);
    expect(describeSender({ sender: otherContents, senderFrame: otherContents.mainFrame }, boothContents).isMainFrameOfBoothWindow).toBe(
      false,
    );
    expect(describeSender({ sender: boothContents, senderFrame: null }, boothContents)).toEqual({
      frameUrl: undefined,
      isMainFrameOfBoothWindow: false,
    });
  });

  it('refuses anything but an encoded frame: IPC-cloned objects never reach the dispatcher', async () => {
    const refused: IpcRefusal[] = [];
    const cloned = { type: 'call', id: 5, method: 'session.start', params: { language: 'id' } };
    expect(await answerIpcCall(dispatch, cloned, boothFrame, (why) => refused.push(why))).toMatchObject({
      id: null,
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
    expect(await answerIpcCall(dispatch, undefined, boothFrame)).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(refused).toEqual(['not-plain-data']);
    expect(booth.session.snapshot()).toBeNull();
  });

  it('refuses an oversized call and a broken frame', async () => {
    const big = encodeCallFrame({ type: 'call', id: 3, method: 'session.submitEmail', params: { email: 'é'.repeat(40_000) } });
    expect(await answerIpcCall(dispatch, big, boothFrame)).toMatchObject({ result: { ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const bytes = encodeCallFrame({ type: 'call', id: 6, method: 'session.submitPhone', params: { phone: new Uint8Array(70_000) } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    // Bytes where the contract wants a string fail the schema, with the call's id.
    expect(await answerIpcCall(dispatch, bytes, boothFrame)).toMatchObject({
      id: 6,
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
    expect(await answerIpcCall(dispatch, new Uint8Array([0x42, 0x4b, 0x42, 0x31, 0, 0, 0, 99]), boothFrame)).toMatchObject({
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
    expect(await answerIpcCall(dispatch, '{"type":"call"', boothFrame)).toMatchObject({
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
  });
});
