// How long a transport waits for each call is part of the contract: a card
// read may take as long as the booth's configured read deadline, so the
// screen must not give up first (it did: 10 s against a 20 s deadline).
import { describe, expect, it } from 'vitest';
import { calls, callTimeoutMs, DEFAULT_CALL_TIMEOUT_MS, MAX_CARD_READ_DEADLINE_MS, methods } from '../../src/shared/contract/contract';
import { ConfigError, parseConfig } from '../../src/core/config';
import { cardReadDeadlineMs } from '../../src/core/card';

const withDeadline = (readDeadlineMs: number) => ({
  devices: { card: { driver: 'emulated-serial' as const, identity: 0, readDeadlineMs } },
});
const deadlineOf = (config: ReturnType<typeof parseConfig>) => cardReadDeadlineMs(config.devices.card);

describe('call timeouts', () => {
  it('waits for a card read longer than any read deadline the configuration accepts', () => {
    expect(deadlineOf(parseConfig(withDeadline(MAX_CARD_READ_DEADLINE_MS)))).toBe(MAX_CARD_READ_DEADLINE_MS);
    expect(() => parseConfig(withDeadline(MAX_CARD_READ_DEADLINE_MS + 1))).toThrow(ConfigError);
    expect(callTimeoutMs('card.read')).toBeGreaterThan(MAX_CARD_READ_DEADLINE_MS);
    // The default deadline is past the default wait: the reason card.read has its own.
    expect(deadlineOf(parseConfig({}))).toBeGreaterThan(DEFAULT_CALL_TIMEOUT_MS);
  });

  it('gives every method a timeout, the default unless it says otherwise, and the default to a name it does not know', () => {
    for (const method of methods) expect(calls[method].timeoutMs, method).toBeGreaterThanOrEqual(DEFAULT_CALL_TIMEOUT_MS);
    expect(callTimeoutMs('session.get')).toBe(DEFAULT_CALL_TIMEOUT_MS);
    expect(callTimeoutMs('face.submitCapture')).toBeGreaterThan(DEFAULT_CALL_TIMEOUT_MS);
    expect(callTimeoutMs('no.such')).toBe(DEFAULT_CALL_TIMEOUT_MS);
    expect(callTimeoutMs('toString')).toBe(DEFAULT_CALL_TIMEOUT_MS);
  });
});
