// The failures each method declares (contract.ts), checked at run time: the
// dispatcher turns a failure its method does not declare into INTERNAL and
// reports the bug, the client refuses one on receipt, and the citizen
// contract's declarations match what the core's handlers really answer.
// (The compile-time side is in contractFailureTypes.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/core/booth/booth';
import type { VerifiedModels } from '../../src/core/face/models';
import { createBoothClient } from '../../src/shared/contract/client';
import { citizenContract, methods, type Method } from '../../src/shared/contract/contract';
import { commonFailures, UndeclaredFailureError } from '../../src/shared/contract/define';
import { createDispatcher, type BoothHandlers } from '../../src/shared/contract/dispatch';
import { fail, type BoothError, type Result } from '../../src/shared/contract/result';
import { inProcessBooth, type InProcessBooth } from '../support/inProcess';

const NIK = '3174054208900001';
const verified: VerifiedModels = { ok: true, files: new Map([['face_landmarker.task', Buffer.from('model')]]) };

/** Failures no citizen method declares as answered (or not with that reason). */
const undeclared: Array<[Method, BoothError]> = [
  ['card.confirm', { code: 'CARD_FAILED', message: 'A code card.confirm never answers.', reason: 'NO_CARD' }],
  ['card.read', { code: 'CARD_FAILED', message: 'A reason card.read does not declare.', reason: 'CARD_ON_FIRE' }],
  ['card.read', { code: 'CARD_FAILED', message: 'CARD_FAILED always says why.' }],
  ['session.back', { code: 'WRONG_STEP', message: 'WRONG_STEP carries no reason.', reason: 'REVIEW' }],
  ['session.keepAlive', { code: 'WRONG_STEP', message: 'keepAlive answers NO_SESSION only.' }],
  ['session.get', { code: 'BUSY', message: "card.read's reason, not session.get's.", reason: 'STILL_READING' }],
  ['booth.info', { code: 'NOT_FOUND', message: 'An HTTP refusal, never a call result.' }],
  ['booth.info', { code: 'OUT_OF_SERVICE', message: 'Not a reason the supervisor gives.', reason: 'ON_HOLIDAY' }],
];

/** Failures the methods declare, their own or common to every call. */
const declared: Array<[Method, BoothError]> = [
  ['card.read', { code: 'CARD_FAILED', message: 'Nothing on the reader.', reason: 'NO_CARD' }],
  ['card.read', { code: 'BUSY', message: 'Still reading.', reason: 'STILL_READING' }],
  ['session.get', { code: 'BUSY', message: 'Another page owns the session.', reason: 'NOT_OWNER' }],
  ['face.verify', { code: 'STEP_UNAVAILABLE', message: 'Matching is not built yet.' }],
  ['face.verify', { code: 'STEP_UNAVAILABLE', message: 'No camera.', reason: 'NO_CAMERA' }],
  ['session.submitEmail', { code: 'INVALID_EMAIL', message: 'No domain.', reason: 'domain' }],
  ['booth.info', { code: 'OUT_OF_SERVICE', message: 'The core is restarting.', reason: 'RESTARTING' }],
  ['session.wipe', { code: 'TIMEOUT', message: 'No answer in time.' }],
];

const { booth } = await inProcessBooth();

describe('the dispatcher and declared failures', () => {
  afterAll(() => booth.dispose());

  function dispatcherAnswering(method: Method, error: BoothError) {
    const bugs: Array<[string, unknown]> = [];
    const handlers = { ...booth.handlers, [method]: () => ({ ok: false, error }) } as unknown as BoothHandlers;
    const dispatch = createDispatcher(handlers, { onBug: (name, bug) => bugs.push([name, bug]) });
    return { dispatch, bugs };
  }

  it.each(undeclared)('answers INTERNAL for %s answering %j, and reports the bug', async (method, error) => {
    const { dispatch, bugs } = dispatcherAnswering(method, error);
    const reply = await dispatch({
      type: 'call',
      id: 4,
      method,
      params: method === 'session.submitEmail' ? { email: 'siti@contoh.co.id' } : {},
    });
    expect(reply).toMatchObject({ id: 4, result: { ok: false, error: { code: 'INTERNAL' } } });
    expect(bugs).toHaveLength(1);
    const [name, bug] = bugs[0]!;
    expect(name).toBe(method);
    expect(bug).toBeInstanceOf(UndeclaredFailureError);
    expect(bug).toMatchObject({ method, code: error.code, reason: error.reason });
  });

  it.each(declared)('passes %s answering %j on unchanged', async (method, error) => {
    const { dispatch, bugs } = dispatcherAnswering(method, error);
    const params =
      method === 'session.submitEmail' ? { email: 'siti@contoh.co.id' } : method === 'session.wipe' ? { reason: 'cancel' } : {};
    expect((await dispatch({ type: 'call', id: 5, method, params })).result).toEqual({ ok: false, error });
    expect(bugs).toEqual([]);
  });

  it('a method the contract does not have may answer only what every call may', () => {
    expect(citizenContract.declares('status.get', { code: 'TIMEOUT' })).toBe(true);
    expect(citizenContract.declares('status.get', { code: 'BUSY', reason: 'NOT_OWNER' })).toBe(true);
    expect(citizenContract.declares('status.get', { code: 'NO_SESSION' })).toBe(false);
    expect(citizenContract.declares('__proto__', { code: 'NO_SESSION' })).toBe(false);
  });
});

describe('the client and declared failures', () => {
  function clientAnswering(error: BoothError) {
    return createBoothClient({ call: async () => ({ ok: false, error }), subscribe: () => () => undefined });
  }

  it('turns a failure the method does not declare into INTERNAL', async () => {
    const notCardRead = await clientAnswering({ code: 'FACE_FAILED', message: 'x', reason: 'NOT_CAPTURED' }).card.read();
    expect(notCardRead).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!notCardRead.ok && notCardRead.error.message).toContain('card.read');
    expect(await clientAnswering({ code: 'CARD_FAILED', message: 'x', reason: 'CARD_ON_FIRE' }).card.read()).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(
      await clientAnswering({ code: 'INVALID_PHONE', message: 'x', reason: 'too_short' }).session.submitEmail({ email: 'a@b.id' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it("passes on a method's own failures and the transport's", async () => {
    const answers: Array<[BoothError, (client: ReturnType<typeof clientAnswering>) => Promise<Result<unknown>>]> = [
      [{ code: 'CARD_FAILED', message: 'x', reason: 'NIK_INVALID' }, (client) => client.card.read()],
      [{ code: 'TRANSPORT_CLOSED', message: 'Lost.' }, (client) => client.face.setup()],
      [{ code: 'TIMEOUT', message: 'Too slow.' }, (client) => client.card.read()],
      [{ code: 'UNAUTHORIZED', message: 'Not the booth page.' }, (client) => client.booth.info()],
      [{ code: 'OUT_OF_SERVICE', message: 'The core is down.', reason: 'GAVE_UP' }, (client) => client.session.start()],
      [
        { code: 'BAD_REQUEST', message: 'Wrong parameters.', issues: ['phone: expected string'] },
        (client) => client.session.submitPhone({ phone: '1' }),
      ],
    ];
    for (const [error, callWith] of answers) expect(await callWith(clientAnswering(error))).toEqual({ ok: false, error });
  });
});

/** Each step of the journey, in order: the session is brought to a stage by running the steps before it. */
type Booth = InProcessBooth['booth'];
const journey: Array<[string, (booth: Booth) => unknown]> = [
  ['language', (booth) => booth.session.start()],
  ['consent', (booth) => booth.session.chooseLanguage('id')],
  ['card', (booth) => booth.session.acceptConsent(CONSENT_VERSION)],
  ['card read', (booth) => booth.session.advance({ type: 'cardRead', chip: { name: 'SITI', nik: NIK } })],
  ['email', (booth) => booth.session.advance({ type: 'cardConfirmed' })],
  ['phone', (booth) => booth.session.submitEmail('siti@contoh.co.id')],
  ['review', (booth) => booth.session.submitPhone('081234567890')],
  ['face', (booth) => booth.session.confirmReview()],
  ['face challenged', (booth) => booth.handlers['face.beginChallenge']({})],
  ['face started', (booth) => booth.handlers['face.startChallenge']({ challengeId: booth.steps.face.part.inPlay ?? 'none-in-play' })],
];

/** The calls the walk makes at every stage: every method, some with a wrong value too. */
function callsAt(challengeId: string): Array<[Method, unknown]> {
  const picture = () => ({ jpeg: new Uint8Array(32), width: 16, height: 16 });
  return [
    ['booth.info', {}],
    ['session.start', {}],
    ['session.get', {}],
    ['session.chooseLanguage', { language: 'en' }],
    ['session.setLanguage', { language: 'en' }],
    ['session.acceptConsent', { consentVersion: CONSENT_VERSION }],
    ['session.acceptConsent', { consentVersion: 'an-old-text' }],
    ['session.declineConsent', {}],
    ['session.submitEmail', { email: 'siti@contoh.co.id' }],
    ['session.submitEmail', { email: 'siti' }],
    ['session.submitPhone', { phone: '081234567890' }],
    ['session.submitPhone', { phone: '021' }],
    ['session.edit', { field: 'email' }],
    ['session.back', {}],
    ['session.confirmReview', {}],
    ['session.keepAlive', {}],
    ['session.wipe', { reason: 'cancel' }],
    ['card.read', {}],
    ['card.confirm', {}],
    ['card.reject', {}],
    ['card.photo', {}],
    ['face.setup', {}],
    ['face.beginChallenge', {}],
    ['face.startChallenge', { challengeId }],
    [
      'face.submitCapture',
      {
        challengeId,
        trace: [{ t: 0, faces: 1, yawDeg: 0, openness: 0.3, cx: 320, cy: 240, eyePx: 60 }],
        frames: [{ ...picture(), score: 50, t: 0 }],
        actions: [{ ...picture(), action: 'blink', t: 0 }],
        still: picture(),
      },
    ],
    ['face.attemptFailed', { challengeId, reason: 'TIMEOUT' }],
    ['face.attemptFailed', { challengeId: 'not-in-play', reason: 'TIMEOUT' }],
    ['face.reportProblem', { problem: 'CAMERA_DENIED' }],
    ['face.verify', {}],
    ['signoff.request', {}],
    ['signoff.scanApproval', { text: 'IKDA1:00' }],
    ['help.callOfficer', { screen: 'attract' }],
  ];
}

describe("the citizen contract's declarations", () => {
  it('match what the handlers answer: every failure declared, and declarations only where a handler fails', async () => {
    const failing = new Set<Method>();
    const seen = new Set<string>();
    const booths = [
      await inProcessBooth(), // no reader, no face models
      await inProcessBooth({}, verified),
      await inProcessBooth({ devices: { card: { driver: 'none' }, camera: null } }, verified),
    ];
    for (const { booth } of booths) {
      for (let stage = 0; stage <= journey.length; stage++) {
        for (let index = 0; index < callsAt('').length; index++) {
          booth.session.wipe('cancel');
          let challengeId = 'no-challenge-issued';
          for (const [, step] of journey.slice(0, stage)) {
            const done = (await step(booth)) as Result<unknown>;
            if (done.ok && typeof done.value === 'object' && done.value && 'challenge' in done.value)
              challengeId = (done.value as { challenge: { id: string } }).challenge.id;
          }
          const [method, params] = callsAt(challengeId)[index]!;
          const handler = booth.handlers[method] as (params: unknown) => Promise<Result<unknown>> | Result<unknown>;
          const answer = await handler(citizenContract.calls[method].params.parse(params));
          if (answer.ok) continue;
          const { code, reason } = answer.error;
          const at = stage === 0 ? 'no session' : journey[stage - 1]![0];
          expect(citizenContract.declares(method, answer.error), `${method} at ${at} answered ${code} ${reason ?? ''}`).toBe(true);
          failing.add(method);
          seen.add(`${method} ${code}${reason ? ` ${reason}` : ''}`);
        }
      }
      await booth.dispose();
    }
    expect(new Set(callsAt('').map(([method]) => method))).toEqual(new Set(methods));
    for (const method of methods) {
      const declaresSome = Object.keys(citizenContract.calls[method].failures).length > 0;
      expect(declaresSome, `${method} ${failing.has(method) ? 'fails' : 'never failed'}`).toBe(failing.has(method));
    }
    // The walk reached the step-specific failures, not only the guards.
    for (const answer of [
      'session.submitPhone INVALID_PHONE not_mobile',
      'card.reject WRONG_STEP',
      'session.acceptConsent BAD_REQUEST',
      'card.read STEP_UNAVAILABLE',
      'face.setup STEP_UNAVAILABLE MODEL_MISSING',
      'face.setup STEP_UNAVAILABLE NO_CAMERA',
      'face.submitCapture FACE_FAILED CHALLENGE_UNKNOWN',
      'face.verify FACE_FAILED NOT_CAPTURED',
      'signoff.request WRONG_STEP',
    ])
      expect(seen).toContain(answer);
    expect([...seen].some((answer) => answer.startsWith('face.submitCapture FACE_FAILED LIVENESS_'))).toBe(true);
  });

  it('keep the common failures out of each method: they are declared once, for every call', () => {
    for (const method of methods) {
      for (const code of Object.keys(citizenContract.calls[method].failures)) {
        if (code === 'BAD_REQUEST' || code === 'BUSY') continue; // answered by a handler itself (acceptConsent, card.read)
        expect(Object.keys(commonFailures), `${method} ${code}`).not.toContain(code);
      }
    }
    expect(fail('BUSY', 'x', { reason: 'NOT_OWNER' })).toEqual({ ok: false, error: { code: 'BUSY', message: 'x', reason: 'NOT_OWNER' } });
  });
});
