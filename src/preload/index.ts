// The only bridge from the page to the booth: the contract's generated
// client. No ipcRenderer, no channel names, no process.env reach the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createBoothClient, type ContractTransport } from '../shared/contract/client';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/contract/ipc';
import { eventEnvelopeSchema, resultEnvelopeSchema } from '../shared/contract/envelope';
import { encodeCallFrame } from '../shared/contract/frames';
import { fail } from '../shared/contract/result';
import { callTimeoutMs } from '../shared/contract/contract';

let nextId = 1;

const transport: ContractTransport = {
  async call(method, params, timeoutMs = callTimeoutMs(method)) {
    let answer: unknown;
    try {
      const frame = encodeCallFrame({ type: 'call', id: nextId++, method, params });
      const sent = ipcRenderer.invoke(IPC_CALL_CHANNEL, frame);
      // invoke() structured-clones its arguments before it returns: the pictures in our copy can go at once.
      if (typeof frame !== 'string') frame.fill(0);
      // The contract's timeout for this method: a hung main process must not leave the screen waiting for ever.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      answer = await Promise.race([sent, late]).finally(() => clearTimeout(timer));
      if (answer === 'late') return fail('TIMEOUT', `The booth did not answer ${method} in time.`);
    } catch {
      // Main went away or could not clone the call: an expected failure, not a crash of the page.
      return fail('TRANSPORT_CLOSED', 'The booth did not take the call.');
    }
    const reply = resultEnvelopeSchema.safeParse(answer);
    return reply.success ? reply.data.result : fail('INTERNAL', 'The booth answered with a malformed envelope.');
  },
  subscribe(listener) {
    const onEvent = (_event: Electron.IpcRendererEvent, message: unknown) => {
      const envelope = eventEnvelopeSchema.safeParse(message);
      if (envelope.success) listener(envelope.data.event, envelope.data.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, onEvent);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, onEvent);
  },
};

contextBridge.exposeInMainWorld('booth', createBoothClient(transport));
