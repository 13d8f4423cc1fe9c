// The small pure parts of the worker channel: what counts as an answer, the
// transfer marker a handler returns, and how a thrown value is told (its
// message, never its stack).
import { describe, expect, it } from 'vitest';
import { isAnswerMessage, isTransferring, messageOf, withTransfer } from '../../../src/core/workers/protocol';

describe('worker protocol', () => {
  it('takes only answer messages with a numeric id and an ok flag as answers', () => {
    expect(isAnswerMessage({ kind: 'answer', id: 1, ok: true, value: 2 })).toBe(true);
    expect(isAnswerMessage({ kind: 'answer', id: 1, ok: false, message: 'x' })).toBe(true);
    expect(isAnswerMessage({ kind: 'answer', id: '1', ok: true })).toBe(false);
    expect(isAnswerMessage({ kind: 'call', id: 1, ok: true })).toBe(false);
    expect(isAnswerMessage({ kind: 'answer', id: 1 })).toBe(false);
    expect(isAnswerMessage(null)).toBe(false);
    expect(isAnswerMessage('answer')).toBe(false);
  });

  it('marks a result to be moved, and tells it from a plain result that happens to have the same fields', () => {
    const buffer = new ArrayBuffer(4);
    const marked = withTransfer({ embedding: buffer }, [buffer]);
    expect(isTransferring(marked)).toBe(true);
    expect(marked.value.embedding).toBe(buffer);
    expect(marked.transfer).toEqual([buffer]);
    expect(isTransferring({ value: 1, transfer: [] })).toBe(false);
    expect(isTransferring(undefined)).toBe(false);
  });

  it('tells a thrown value by its name and message only', () => {
    const error = new TypeError('bad NIK 3201234567890001');
    expect(messageOf(error)).toBe('TypeError: bad NIK 3201234567890001');
    expect(messageOf(error)).not.toContain(' at ');
    expect(messageOf('a string with data')).toBe('non-Error thrown: string');
  });
});
