// Type-level checks of the failures each method declares (contract.ts). They
// are proved by the compiler: `npx tsc --noEmit -p tsconfig.json` covers
// test/, so every `@ts-expect-error` below must meet an error, and each
// expectTypeOf must hold. Vitest only runs the few run-time lines.
import { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BoothClient } from '../../src/shared/contract/client';
import type { AnswerOf, FailureOf } from '../../src/shared/contract/contract';
import { call, defineContract, type FailureIn, type HandlersOf } from '../../src/shared/contract/define';
import type { BoothHandlers } from '../../src/shared/contract/dispatch';
import type { CardReadReason } from '../../src/shared/contract/reasons';
import { fail, ok } from '../../src/shared/contract/result';
import type { EmailRejection } from '../../src/shared/identity/email';

type CardReadError = FailureOf<'card.read'>;
/** What every method may answer whatever it declares (define.ts, commonFailures). */
type CommonCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_METHOD'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'BUSY'
  | 'INTERNAL'
  | 'TRANSPORT_CLOSED'
  | 'TIMEOUT'
  | 'OUT_OF_SERVICE';

/** How a screen turns a card.read failure into what it shows: exhaustive, so a new declared failure fails to compile here. */
function cardReadOutcome(error: CardReadError): string {
  switch (error.code) {
    case 'CARD_FAILED':
      return `card:${error.reason}`;
    case 'BUSY':
      return error.reason === 'STILL_READING' ? 'still-reading' : 'in-use';
    case 'STEP_UNAVAILABLE':
      return 'no-reader';
    case 'NO_SESSION':
    case 'WRONG_STEP':
      return 'restart';
    case 'BAD_REQUEST':
    case 'UNKNOWN_METHOD':
    case 'PAYLOAD_TOO_LARGE':
    case 'UNAUTHORIZED':
    case 'INTERNAL':
    case 'TRANSPORT_CLOSED':
    case 'TIMEOUT':
    case 'OUT_OF_SERVICE':
      return 'out-of-order';
    // @ts-expect-error card.read never answers FACE_FAILED: the case cannot match.
    case 'FACE_FAILED':
      return 'impossible';
    default:
      return error satisfies never;
  }
}

describe('declared failures (types)', () => {
  it("narrow a client's answer to its method's union", () => {
    expectTypeOf<Awaited<ReturnType<BoothClient['card']['read']>>>().toEqualTypeOf<AnswerOf<'card.read'>>();
    expectTypeOf<CardReadError['code']>().toEqualTypeOf<CommonCode | 'NO_SESSION' | 'WRONG_STEP' | 'STEP_UNAVAILABLE' | 'CARD_FAILED'>();
    expectTypeOf<Extract<CardReadError, { code: 'CARD_FAILED' }>['reason']>().toEqualTypeOf<CardReadReason>();
    // BUSY: the card step's own reason and the host's ownership, declared once for every method.
    expectTypeOf<Extract<CardReadError, { code: 'BUSY' }>['reason']>().toEqualTypeOf<'STILL_READING' | 'NOT_OWNER'>();
    expectTypeOf<Extract<CardReadError, { code: 'WRONG_STEP' }>['reason']>().toEqualTypeOf<undefined>();
    expectTypeOf<Extract<FailureOf<'session.submitEmail'>, { code: 'INVALID_EMAIL' }>['reason']>().toEqualTypeOf<EmailRejection>();
    // face.verify's STEP_UNAVAILABLE: a missing camera or model, a matcher out of service, or none (the citizen was referred).
    expectTypeOf<Extract<FailureOf<'face.verify'>, { code: 'STEP_UNAVAILABLE' }>['reason']>().toEqualTypeOf<
      'NO_CAMERA' | 'MODEL_MISSING' | 'MODEL_TAMPERED' | 'MATCHER_OUT_OF_SERVICE' | undefined
    >();
    // A method that declares nothing still meets the common failures, and only them.
    expectTypeOf<FailureOf<'booth.info'>['code']>().toEqualTypeOf<CommonCode>();
    expect(cardReadOutcome({ code: 'CARD_FAILED', message: '', reason: 'NO_CARD' })).toBe('card:NO_CARD');
  });

  it('refuse a handler answering a failure its method does not declare', () => {
    const handlers: Pick<BoothHandlers, 'card.read' | 'card.confirm' | 'session.keepAlive' | 'session.back'> = {
      // @ts-expect-error card.read declares no CARD_ON_FIRE reason.
      'card.read': async () => fail('CARD_FAILED', 'The card is on fire.', { reason: 'CARD_ON_FIRE' }),
      // @ts-expect-error card.confirm does not read cards: CARD_FAILED is not one of its failures.
      'card.confirm': () => fail('CARD_FAILED', 'No card.', { reason: 'NO_CARD' }),
      // @ts-expect-error session.keepAlive answers NO_SESSION only, never WRONG_STEP.
      'session.keepAlive': () => fail('WRONG_STEP', 'Wrong step.'),
      // @ts-expect-error WRONG_STEP is declared without a reason.
      'session.back': () => fail('WRONG_STEP', 'Wrong step.', { reason: 'REVIEW' }),
    };
    const alsoRefused: Pick<BoothHandlers, 'card.read'> = {
      // @ts-expect-error CARD_FAILED always carries one of its reasons.
      'card.read': async () => fail('CARD_FAILED', 'Something failed.'),
    };
    const accepted: Pick<BoothHandlers, 'card.read' | 'session.get'> = {
      'card.read': async () => fail('CARD_FAILED', 'Nothing on the reader.', { reason: 'NO_CARD' }),
      // Any method may answer a common failure (the host's ownership wraps every session call).
      'session.get': () => fail('BUSY', 'In use elsewhere.', { reason: 'NOT_OWNER' }),
    };
    expect(Object.keys({ ...handlers, ...alsoRefused, ...accepted })).toHaveLength(5);
  });

  it('hold for any contract built with the kit, and refuse a failure code that does not exist', () => {
    const printer = defineContract('technician', {
      calls: {
        'printer.test': call(z.object({}).strict(), z.null(), { failures: { STEP_UNAVAILABLE: ['NO_PAPER', null] } }),
        // @ts-expect-error PRINTER_JAMMED is not an error code.
        'printer.jam': call(z.object({}).strict(), z.null(), { failures: { PRINTER_JAMMED: [] } }),
      },
      events: {},
    });
    expectTypeOf<Extract<FailureIn<typeof printer, 'printer.test'>, { code: 'STEP_UNAVAILABLE' }>['reason']>().toEqualTypeOf<
      'NO_PAPER' | undefined
    >();
    const handlers: HandlersOf<typeof printer> = {
      'printer.test': () => fail('STEP_UNAVAILABLE', 'No paper.', { reason: 'NO_PAPER' }),
      'printer.jam': () => ok(null),
    };
    const refused: Pick<HandlersOf<typeof printer>, 'printer.test'> = {
      // @ts-expect-error NO_INK is not a reason printer.test declares.
      'printer.test': () => fail('STEP_UNAVAILABLE', 'No ink.', { reason: 'NO_INK' }),
    };
    expect(Object.keys({ ...handlers, ...refused })).toEqual(['printer.test', 'printer.jam']);
    expect(printer.declares('printer.test', { code: 'STEP_UNAVAILABLE' })).toBe(true);
  });
});
