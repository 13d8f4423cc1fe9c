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
  const logger = pino(
    {
      level: options.level,
      base: { ...options.base },
      // `err` is serialised by scrubValue so its message is scrubbed too.
      serializers: { err: (error: unknown) => scrubValue(error) },
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // Later arguments are printf arguments (%s, %d, %j, %o): scrubbed
          // here. A first plain object goes through `formatters.log` and a
          // first Error through the err serializer (pino still takes its
          // message); a first Buffer or array would be spread into fields
          // unseen, so it is scrubbed here too.
          const scrubbed = args.map((arg, index) =>
            typeof arg === 'string' ? scrubText(arg) : index > 0 || !isPlainObjectOrError(arg) ? scrubValue(arg) : arg,
          );
          // pino takes a first Error's message as the line's message, past this hook.
          if (args[0] instanceof Error && typeof args[1] !== 'string') scrubbed.splice(1, 0, scrubText(args[0].message));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
  // logger.child({ … }) fields are written on every line without passing
  // `formatters.log` (pino resets the bindings formatter for children).
  // Children are created from their parent's prototype, so this one override
  // covers grandchildren too.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrubValue(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}

function isPlainObjectOrError(value: unknown): boolean {
  if (value instanceof Error) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
