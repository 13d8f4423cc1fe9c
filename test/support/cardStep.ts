// A citizen session brought to the card step through the contract, on an
// in-process booth with the given card reader configuration.
import type { BoothConfigInput } from '../../src/core/config';
import type { BoothClient } from '../../src/shared/contract/client';
import { inProcessBooth, type InProcessBooth } from './inProcess';

export type CardConfig = NonNullable<NonNullable<BoothConfigInput['devices']>['card']>;

export async function boothAtCardStep(card: CardConfig, nik = '3174054208900001'): Promise<InProcessBooth> {
  const booth = await inProcessBooth({ devices: { card } });
  await walkToCardStep(booth.client, nik);
  return booth;
}

/** Starts a session and gives every answer up to the card step through the contract. */
export async function walkToCardStep(client: BoothClient, nik = '3174054208900001'): Promise<void> {
  await client.session.start();
  await client.session.chooseLanguage({ language: 'id' });
  const info = await client.booth.info();
  await client.session.acceptConsent({ consentVersion: info.ok ? info.value.consentVersion : '' });
  await client.session.submitNik({ nik });
  await client.session.submitEmail({ email: 'siti@contoh.co.id' });
  await client.session.submitPhone({ phone: '081234567890' });
  await client.session.confirmReview();
}
