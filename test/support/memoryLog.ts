// Log lines kept in memory for assertions: a pino destination, or a whole
// logger writing to one.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/core/logging';

export interface MemoryLog {
  /** Each chunk written, as raw JSON text. */
  lines: string[];
  destination: Writable;
  text(): string;
}

export function memoryLog(): MemoryLog {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination, text: () => lines.join('') };
}

/** A logger at `level` whose lines stay in memory. */
export function memoryLogger(level: 'debug' | 'silent' = 'debug'): { logger: Logger; text(): string } {
  const log = memoryLog();
  return { logger: createLogger({ level, destination: log.destination }), text: log.text };
}
