// The shared walk through the contract (test/support/walkTo.ts) that other
// tests stand on: it reaches the step it is asked for, and a walk that goes
// wrong fails naming the step it stuck on and what the booth answered.
import { afterEach, describe, expect, it } from 'vitest';
import { journeySteps } from '../../src/shared/journey/machine';
import { inProcessBooth } from '../support/inProcess';
import { walkTo, type ContractStep } from '../support/walkTo';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function boothWithSitisCard() {
  const booth = await inProcessBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
  opened.push(() => booth.booth.dispose());
  return booth;
}

describe('walkTo', () => {
  it('reaches each step up to the face step, and the core holds what was given on the way', async () => {
    const { client, booth } = await boothWithSitisCard();
    const reachable = journeySteps.slice(0, journeySteps.indexOf('face') + 1) as ContractStep[];
    for (const step of reachable) {
      expect(await walkTo(client, step, { language: 'en' }), step).toMatchObject({ step });
      expect(booth.session.snapshot()?.step).toBe(step);
    }
    expect(booth.session.snapshot()).toMatchObject({
      language: 'en',
      nik: '3174054208900001',
      email: 'siti@contoh.co.id',
      phone: '+6281234567890',
    });
    expect(booth.steps.card.part.readout?.nik).toBe('3174054208900001');
  });

  it('names the step it stuck on and what the booth answered', async () => {
    const { client, booth } = await boothWithSitisCard();
    await expect(walkTo(client, 'phone', { email: 'siti.contoh.co.id' })).rejects.toThrow(
      /^walkTo\(phone\): stuck at the email step: session\.submitEmail answered INVALID_EMAIL \(no_at\): /,
    );
    // A card lifted from the reader: the walk says the card step could not read it.
    booth.cardReader!.emulator!.place(null);
    await expect(walkTo(client, 'face')).rejects.toThrow(
      /^walkTo\(face\): stuck at the card step: card\.read answered CARD_FAILED \(NO_CARD\): /,
    );
  });
});
