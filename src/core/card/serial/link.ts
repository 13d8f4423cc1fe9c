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

/** Opens a serial port as a ByteLink; rejects with the OS's reason (ENOENT, EACCES, EBUSY). */
export async function openSerialLink({ path, baudRate }: SerialOptions): Promise<ByteLink> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => {
          if (error) reject(error);
          else port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    onData: (listener) => port.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk))),
    onClose: (listener) => port.on('close', (error?: Error) => listener(error ?? undefined)),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
