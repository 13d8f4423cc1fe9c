// A citizen session brought to the card step through the contract, on an
// in-process booth with the given card reader configuration, and a citizen's
// hand at the reader: lifting a card and placing one, as the card step's
// watch sees it.
import type { BoothEvents } from '../../src/core/booth';
import type { BoothConfigInput } from '../../src/core/config';
import type { PayloadOf } from '../../src/shared/contract/contract';
import { inProcessBooth, type InProcessBooth } from './inProcess';
import { walkTo } from './walkTo';

export type CardConfig = NonNullable<NonNullable<BoothConfigInput['devices']>['card']>;

export async function boothAtCardStep(card: CardConfig): Promise<InProcessBooth> {
  const booth = await inProcessBooth({ devices: { card } });
  await walkTo(booth.client, 'card');
  return booth;
}

/** How long the card step's watch may take to see a card lifted or placed (it polls every 300 ms). */
const PRESENCE_MS = 5_000;

/**
 * Lifts the card (`lift`) and puts one down (`place`), each time waiting until the booth's card step has reported it
 * (card.presence): a new placement, which the step counts for its attempts.
 */
export async function liftAndPlace(booth: { events: BoothEvents }, lift: () => void, place: () => void): Promise<void> {
  let present: boolean | null = null;
  const stop = booth.events.subscribe((event, payload) => {
    if (event === 'card.presence') present = (payload as PayloadOf<'card.presence'>).cardPresent;
  });
  const until = async (wanted: boolean) => {
    const deadline = Date.now() + PRESENCE_MS;
    while (present !== wanted) {
      if (Date.now() > deadline) throw new Error(`The card step did not see the card ${wanted ? 'placed' : 'lifted'} in ${PRESENCE_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    lift();
    await until(false);
    place();
    await until(true);
  } finally {
    stop();
  }
}
