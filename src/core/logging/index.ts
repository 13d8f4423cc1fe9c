export { createLogger, type Logger, type LoggerOptions } from './logger';
export { scrubText, scrubValue, REDACTED } from './redact';
