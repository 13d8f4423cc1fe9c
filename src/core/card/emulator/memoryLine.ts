// An in-process serial line for the simulated card module, for machines
// without socat (a fresh `npm install && npm start`). It carries the same
// frames as the pseudo-terminal pair and behaves like one where the driver
// can tell: the module end stays open while the host end is opened and
// closed again (as a port is), bytes arrive asynchronously and as copies,
// and when the module end goes away (the unplug knob) the host end is
// closed with an error and cannot be opened again. Wire time is the
// emulator's own knob, so nothing here waits.
import type { ByteLink } from '../serial/link';

export interface MemoryLine {
  /** The module's end, opened once, for the emulator. */
  module: ByteLink;
  /** Opens the driver's end; rejects once the module end has closed. */
  openHost(): Promise<ByteLink>;
}

interface End {
  data: Array<(bytes: Uint8Array) => void>;
  close: Array<(error?: Error) => void>;
  open: boolean;
}

const newEnd = (): End => ({ data: [], close: [], open: true });

function deliver(to: End | null, bytes: Uint8Array): void {
  if (!to?.open) return; // like a line with nobody listening: the bytes are lost
  const copy = Uint8Array.from(bytes);
  setImmediate(() => {
    if (to.open) for (const listener of to.data) listener(copy);
  });
}

function shut(end: End, error?: Error): void {
  if (!end.open) return;
  end.open = false;
  for (const listener of end.close) listener(error);
}

function linkOf(end: End, peer: () => End | null, onClose: () => void): ByteLink {
  return {
    write: async (bytes) => {
      if (!end.open) throw new Error('The serial line is closed.');
      deliver(peer(), bytes);
    },
    onData: (listener) => void end.data.push(listener),
    onClose: (listener) => void end.close.push(listener),
    close: async () => {
      shut(end);
      onClose();
    },
  };
}

export function openMemoryLine(): MemoryLine {
  const moduleEnd = newEnd();
  let hostEnd: End | null = null;
  const module = linkOf(
    moduleEnd,
    () => hostEnd,
    () => {
      // The module unplugged: the driver's port fails as a real one would.
      if (hostEnd) shut(hostEnd, new Error('The card module went away.'));
    },
  );
  return {
    module,
    openHost: async () => {
      if (!moduleEnd.open) throw new Error('The simulated card module is not connected.');
      if (hostEnd?.open) throw new Error('The simulated card module is already open (EBUSY).');
      const end = newEnd();
      hostEnd = end;
      return linkOf(
        end,
        () => moduleEnd,
        () => undefined,
      );
    },
  };
}
