// Structured logs (pino, JSON lines) with PII scrubbed before serialisation.
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { scrubText, scrubValue } from './redact';

export type { Logger };

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Where lines go; standard error when absent, so standard output stays for people. */
  destination?: DestinationStream;
  /** Fields added to every line, e.g. { boothId }. */
  base?: Record<string, string>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { ...options.base },
      // `err` is serialised by scrubValue so its message is scrubbed too.
      serializers: { err: (error: unknown) => scrubValue(error) },
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // The first object goes through `formatters.log`; later ones are
          // printf arguments (%j, %o) and are scrubbed here.
          const scrubbed = args.map((arg, index) => (typeof arg === 'string' ? scrubText(arg) : index > 0 ? scrubValue(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
