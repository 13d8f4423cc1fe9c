// Fan-out of contract events from the core to whichever transport is
// attached (Electron's window, the host's WebSocket clients, tests).
import type { EventName, PayloadOf } from '../../shared/contract/contract';

export type BoothEventListener = <E extends EventName>(event: E, payload: PayloadOf<E>) => void;

export class BoothEvents {
  readonly #listeners = new Set<BoothEventListener>();

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  subscribe(listener: BoothEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
