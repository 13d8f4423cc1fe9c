// A citizen session brought to the card step through the contract, on an
// in-process booth with the given card reader configuration.
import type { BoothConfigInput } from '../../src/core/config';
import { inProcessBooth, type InProcessBooth } from './inProcess';
import { walkTo } from './walkTo';

export type CardConfig = NonNullable<NonNullable<BoothConfigInput['devices']>['card']>;

export async function boothAtCardStep(card: CardConfig, nik?: string): Promise<InProcessBooth> {
  const booth = await inProcessBooth({ devices: { card } });
  await walkTo(booth.client, 'card', { nik });
  return booth;
}
