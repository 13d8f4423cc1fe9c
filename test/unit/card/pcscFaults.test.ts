// The PC/SC fault mapping, driven with errors as the `smartcard` package
// throws them (a PCSCError carrying the PC/SC status code, and its
// subclasses): the faults vpcd cannot make behind the real pcscd, such as a
// card that cannot be powered or stays mute at connect, each get the code
// and the words they deserve. Run against the package's own error classes
// (pure JS, no pcscd needed) when it is installed, and against classes of
// the same shape always.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCardError } from '../../../src/core/card/errors';
import { connectError, toCardError, transmitError, type PcscErrorClasses } from '../../../src/core/card/pcsc/pcscFaults';

/** The shape of smartcard 3.x dist/lib/errors.js. */
function shapedClasses(): PcscErrorClasses {
  class PCSCError extends Error {
    constructor(
      message: string,
      readonly code: number,
    ) {
      super(message);
    }
  }
  const subclass = (code: number, fallback: string) =>
    class extends PCSCError {
      constructor(message = fallback) {
        super(message, code);
      }
    };
  return {
    PCSCError,
    CardRemovedError: subclass(0x80100069, 'Card was removed'),
    TimeoutError: subclass(0x8010000a, 'Operation timed out'),
    NoReadersError: subclass(0x8010002e, 'No readers available'),
    ServiceNotRunningError: subclass(0x8010001d, 'PC/SC service not running'),
  };
}

function packageClasses(): PcscErrorClasses | undefined {
  try {
    // The package's exports hide its errors module; it is plain JS and loads without the native part.
    return createRequire(import.meta.url)(
      resolve(import.meta.dirname, '../../../node_modules/smartcard/dist/lib/errors.js'),
    ) as PcscErrorClasses;
  } catch {
    return undefined;
  }
}

const sets: Array<[string, PcscErrorClasses]> = [["classes shaped like the package's", shapedClasses()]];
const own = packageClasses();
if (own) sets.push(["the smartcard package's own classes", own]);
else it.skip("the smartcard package's own classes (not installed here)", () => undefined);

describe.each(sets)('PC/SC faults with %s', (_name, classes) => {
  const pcscError = (code: number, message = 'PC/SC failure') => new classes.PCSCError(message, code);
  const atConnect = (error: unknown, role: 'card' | 'SAM' = 'card') => connectError(error, role, 'ACS ACR1252 PICC', classes);

  it('a card that cannot be powered is UNREADABLE_CARD, never the reader', () => {
    const error = atConnect(pcscError(0x80100067, 'Card is unpowered.'));
    expect(error.code).toBe('UNREADABLE_CARD');
    expect(error.message).toMatch(/cannot be powered/);
    expect(describeCardError(error)).not.toMatch(/cable|pcscd/);
  });

  it('a card that does not answer when powered (unresponsive at connect) is UNREADABLE_CARD', () => {
    const error = atConnect(pcscError(0x80100066, 'Card is unresponsive.'));
    expect(error).toMatchObject({ code: 'UNREADABLE_CARD', message: expect.stringMatching(/does not answer when powered/) });
  });

  it('unresponsive mid-read is a contactless card leaving the field: CARD_REMOVED', () => {
    expect(transmitError(pcscError(0x80100066, 'Card is unresponsive.'), 'card', classes).code).toBe('CARD_REMOVED');
  });

  it('a card speaking a protocol the reader does not is UNREADABLE_CARD', () => {
    const error = atConnect(pcscError(0x8010000f, 'Card protocol mismatch.'));
    expect(error).toMatchObject({ code: 'UNREADABLE_CARD', message: expect.stringMatching(/protocol the reader does not/) });
  });

  it("the same faults on the SAM slot are SAM_MISSING (the booth's fault, not the citizen's card)", () => {
    expect(atConnect(pcscError(0x80100067), 'SAM').code).toBe('SAM_MISSING');
  });

  it('no smart card at connect is NO_CARD (SAM_MISSING on the SAM slot)', () => {
    expect(atConnect(pcscError(0x8010000c, 'No smart card inserted.'))).toMatchObject({ code: 'NO_CARD' });
    expect(atConnect(pcscError(0x8010000c), 'SAM')).toMatchObject({ code: 'SAM_MISSING' });
  });

  it('a card removed is NO_CARD at connect and CARD_REMOVED mid-read', () => {
    expect(atConnect(new classes.CardRemovedError()).code).toBe('NO_CARD');
    expect(transmitError(new classes.CardRemovedError(), 'card', classes).code).toBe('CARD_REMOVED');
    expect(transmitError(pcscError(0x80100068, 'Card was reset.'), 'card', classes).code).toBe('CARD_REMOVED');
  });

  it('the service not running is NO_READER naming pcscd', () => {
    expect(toCardError(new classes.ServiceNotRunningError(), 'opening PC/SC', classes)).toMatchObject({
      code: 'NO_READER',
      message: expect.stringMatching(/pcscd\) is not running/),
    });
    expect(toCardError(pcscError(0x8010001d), 'opening PC/SC', classes)).toMatchObject({ code: 'NO_READER', detail: '8010001d' });
  });

  it('an unknown code is NO_READER with the code in the detail', () => {
    const error = atConnect(pcscError(0x80100099, 'Something new.'));
    expect(error).toMatchObject({ code: 'NO_READER', detail: '80100099' });
    expect(error.message).toContain('connecting to ACS ACR1252 PICC');
  });

  it('a reader timeout is TIMEOUT', () => {
    expect(transmitError(new classes.TimeoutError(), 'card', classes).code).toBe('TIMEOUT');
  });
});
