// The receiving side of the contract: whatever arrives, the answer is one
// well-formed result envelope, and handlers only ever see checked values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDispatcher, type BoothHandlers } from '../../src/shared/contract/dispatch';
import { resultEnvelopeSchema } from '../../src/shared/contract/envelope';
import { calls, methods } from '../../src/shared/contract/contract';
import { inProcessBooth } from '../support/inProcess';

const { booth } = await inProcessBooth();

describe('dispatcher', () => {
  const dispatch = createDispatcher(booth.handlers);

  it('answers a good call with the handler result and the same id', async () => {
    const reply = await dispatch({ type: 'call', id: 7, method: 'booth.info', params: {} });
    expect(reply).toMatchObject({ type: 'result', id: 7, result: { ok: true, value: { boothId: 'BOOTH-DEMO-01', idleWarningSec: 30 } } });
  });

  it.each([
    [null, 'BAD_REQUEST', null],
    ['hello', 'BAD_REQUEST', null],
    [{ type: 'call', id: -1, method: 'booth.info' }, 'BAD_REQUEST', null],
    [{ type: 'call', id: 3, method: 'session.explode', params: {} }, 'UNKNOWN_METHOD', 3],
    [{ type: 'call', id: 4, method: '__proto__', params: {} }, 'UNKNOWN_METHOD', 4],
    [{ type: 'call', id: 5, method: 'toString', params: {} }, 'UNKNOWN_METHOD', 5],
    [{ type: 'call', id: 6, method: 'session.submitPhone', params: { phone: 81234567890 } }, 'BAD_REQUEST', 6],
    [{ type: 'call', id: 8, method: 'session.submitPhone', params: { phone: '1', extra: true } }, 'BAD_REQUEST', 8],
    [{ type: 'call', id: 9, method: 'session.submitPhone', params: { phone: '1'.repeat(65) } }, 'BAD_REQUEST', 9],
    [{ type: 'call', id: 10, method: 'session.start', params: { language: 'fr' } }, 'BAD_REQUEST', 10],
    [{ type: 'call', id: 11, method: 'session.wipe', params: {} }, 'BAD_REQUEST', 11],
  ])('refuses %j with %s', async (envelope, code, id) => {
    const reply = await dispatch(envelope);
    expect(reply).toMatchObject({ type: 'result', id, result: { ok: false, error: { code } } });
  });

  it('names the wrong field of a BAD_REQUEST', async () => {
    const reply = await dispatch({ type: 'call', id: 1, method: 'session.submitEmail', params: { email: 42 } });
    expect(reply.result.ok).toBe(false);
    if (!reply.result.ok) expect(reply.result.error.issues?.[0]).toMatch(/^email: /);
  });

  it('turns a handler exception into INTERNAL and reports the bug', async () => {
    const bugs: string[] = [];
    const throwing = {
      ...booth.handlers,
      'booth.info': () => {
        throw new Error('boom');
      },
    } as BoothHandlers;
    const reply = await createDispatcher(throwing, { onBug: (method) => bugs.push(method) })({
      type: 'call',
      id: 2,
      method: 'booth.info',
      params: {},
    });
    expect(reply.result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(bugs).toEqual(['booth.info']);
  });

  it('answers any value with one valid result envelope and never throws (property)', async () => {
    const envelope = fc.oneof(
      fc.anything(),
      fc.record({ type: fc.constant('call'), id: fc.nat(), method: fc.constantFrom(...methods, 'nope', ''), params: fc.anything() }),
      fc.record({
        type: fc.constant('call'),
        id: fc.nat(),
        method: fc.constantFrom(...methods),
        params: fc.dictionary(
          fc.constantFrom('nik', 'email', 'phone', 'language', 'field', 'reason', 'consentVersion', 'x'),
          fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (raw) => {
        const reply = await dispatch(raw);
        expect(resultEnvelopeSchema.safeParse(reply).success).toBe(true);
        // INTERNAL would mean a handler threw or answered a failure its method does not declare.
        expect(reply.result.ok || reply.result.error.code).not.toBe('INTERNAL');
        if (reply.result.ok && typeof raw === 'object' && raw && 'method' in raw) {
          const method = (raw as { method: keyof typeof calls }).method;
          expect(calls[method].result.safeParse(reply.result.value).success).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    booth.session.wipe('cancel');
  });
});
