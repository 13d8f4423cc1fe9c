// A byte link to a reader module: a serial port (real device or one end of
// a pseudo-terminal pair), or HID reports. The protocol code only needs this.
import { SerialPort } from 'serialport';

export interface ByteLink {
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (bytes: Uint8Array) => void): void;
  onClose(listener: (error?: Error) => void): void;
  close(): Promise<void>;
}

export interface SerialOptions {
  path: string;
  baudRate: number;
}

/**
 * Opens a serial port as a ByteLink; rejects with the OS's reason (ENOENT, EACCES, EBUSY).
 * An I/O error later (EIO when a USB-serial adapter is pulled, or the far end
 * of a pty goes away) ends the link: its close listeners hear the error and
 * writes reject. It is never left as an 'error' event nobody listens to,
 * which would end the whole process.
 */
export async function openSerialLink({ path, baudRate }: SerialOptions): Promise<ByteLink> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const closeListeners: Array<(error?: Error) => void> = [];
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    for (const listener of closeListeners) listener(error);
  };
  port.on('error', (error: Error) => {
    end(error);
    if (port.isOpen) port.close(() => undefined);
  });
  port.on('close', (error?: Error | null) => end(error ?? undefined));
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (ended) {
          reject(new Error(`serial port ${path} is closed`));
          return;
        }
        port.write(Buffer.from(bytes), (error) => {
          if (error) reject(error);
          else port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    onData: (listener) => port.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk))),
    onClose: (listener) => {
      closeListeners.push(listener);
    },
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
