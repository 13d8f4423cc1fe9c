// The core's session with a hand-driven clock: its own expiry, wipes, and
// the checks it makes before the journey machine sees a value.
import { describe, expect, it } from 'vitest';
import { CitizenSession, type SessionClock } from '../../src/core/session';
import { CardSession } from '../../src/core/card';
import { FaceSession } from '../../src/core/face';

class ManualClock implements SessionClock {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  };
  clearTimeout = (handle: unknown) => void this.timers.delete(handle as number);
  advance(ms: number) {
    this.time += ms;
    for (const [handle, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(handle);
        timer.callback();
      }
    }
  }
  get pending() {
    return this.timers.size;
  }
}

function newSession(expirySec = 100) {
  const clock = new ManualClock();
  const changes: unknown[] = [];
  const wipes: string[] = [];
  const session = new CitizenSession({ expirySec, clock, onChange: (s) => changes.push(s), onWiped: (r) => wipes.push(r) });
  // The steps' parts, as their factories attach them in the booth.
  session.attach(new CardSession());
  session.attach(new FaceSession(3, 2));
  return { clock, session, changes, wipes };
}

function toReview(session: CitizenSession) {
  session.start('id');
  session.chooseLanguage('id');
  session.acceptConsent('v1');
  // What the card step does with a read; the citizen confirms the card.
  session.advance({ type: 'cardRead', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } });
  session.advance({ type: 'cardConfirmed' });
  session.submitEmail('Siti@Contoh.co.id');
  return session.submitPhone('0812-3456-7890');
}

describe('CitizenSession', () => {
  it('holds the normalised values and reports them in its snapshot', () => {
    const { session } = newSession();
    const result = toReview(session);
    expect(result).toMatchObject({
      ok: true,
      value: { step: 'review', nik: '3174054208900001', email: 'siti@contoh.co.id', phone: '+6281234567890' },
    });
    expect(result.ok && result.value.sessionId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('answers typed errors for a wrong value, a wrong step and no session', () => {
    const { session } = newSession();
    expect(session.submitEmail('a@b.id')).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
    session.start('id');
    expect(session.submitEmail('a@b.id')).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    session.chooseLanguage('en');
    session.acceptConsent('v1');
    expect(session.submitEmail('a@b.id')).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } }); // the card comes first
    session.advance({ type: 'cardRead', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } });
    expect(session.advance({ type: 'cardConfirmed' })).toMatchObject({ ok: true, value: { step: 'email', nik: '3174054208900001' } });
    expect(session.submitEmail('no-at-sign')).toMatchObject({ ok: false, error: { code: 'INVALID_EMAIL', reason: 'no_at' } });
    expect(session.submitEmail('a@b.id').ok).toBe(true);
    expect(session.submitPhone('021555012')).toMatchObject({ ok: false, error: { code: 'INVALID_PHONE', reason: 'not_mobile' } });
  });

  it('wipes itself after its expiry when nobody calls, and every call restarts the wait', () => {
    const { clock, session, wipes, changes } = newSession(100);
    session.start('id');
    clock.advance(90_000);
    expect(session.keepAlive().ok).toBe(true);
    clock.advance(90_000);
    expect(session.active).toBe(true);
    expect(session.snapshot()?.expiresInSec).toBe(10);
    clock.advance(10_000);
    expect(session.active).toBe(false);
    expect(session.snapshot()).toBeNull();
    expect(wipes).toEqual(['expired']);
    expect(changes.at(-1)).toBeNull();
    expect(clock.pending).toBe(0);
  });

  it('a wipe drops every value and the timer; a new session starts empty', () => {
    const { clock, session, wipes } = newSession();
    toReview(session);
    expect(session.wipe('cancel')).toBe(true);
    expect(session.snapshot()).toBeNull();
    expect(session.consentVersion).toBe('');
    expect(clock.pending).toBe(0);
    expect(session.wipe('cancel')).toBe(false);
    expect(wipes).toEqual(['cancel']);
    const fresh = session.start('en');
    expect(fresh).toMatchObject({ ok: true, value: { step: 'language', consentAccepted: false } });
    expect(fresh.ok && fresh.value.nik).toBeUndefined();
  });

  it('starting again replaces the previous session with a new id', () => {
    const { session, wipes } = newSession();
    const first = session.start('id');
    const second = session.start('id');
    expect(first.ok && second.ok && first.value.sessionId !== second.value.sessionId).toBe(true);
    expect(wipes).toEqual(['cancel']);
  });
});
