// The headless host lets one page own the citizen session
// (src/host/ownership.ts); another page's session calls come back BUSY with
// reason NOT_OWNER. This wrapper turns that answer into the 'in-use' status,
// so the screen says the booth is in use in another window instead of
// showing errors, and asks again every few seconds: once the other window
// is gone and its reconnect grace over (its session wiped), this page
// takes the booth over.
import type { Result } from '../../shared/contract/result';
import { NOT_OWNER } from '../../shared/contract/websocket';
import type { ConnectionStatus, WebSocketTransport } from './websocketTransport';

const PROBE_MS = 2_000;

export function isNotOwner(result: Result<unknown>): boolean {
  return !result.ok && result.error.code === 'BUSY' && result.error.reason === NOT_OWNER;
}

export function watchOwnership(transport: WebSocketTransport, probeMs = PROBE_MS): WebSocketTransport {
  const listeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let probe: ReturnType<typeof setTimeout> | undefined;

  function emit(next: ConnectionStatus) {
    status = next;
    listeners.forEach((listener) => listener(next));
  }

  function scheduleProbe() {
    clearTimeout(probe);
    probe = setTimeout(() => {
      void transport.call('session.get', {}).then((result) => {
        if (status !== 'in-use') return;
        // Our own page now: 'open' makes the screen load the (fresh) session as on any connect.
        if (result.ok) emit('open');
        else scheduleProbe();
      });
    }, probeMs);
  }

  transport.onStatus((next) => {
    clearTimeout(probe);
    emit(next);
  });

  return {
    async call(method, params) {
      const result = await transport.call(method, params);
      if (isNotOwner(result) && status !== 'in-use') {
        emit('in-use');
        scheduleProbe();
      }
      return result;
    },
    subscribe: (listener) => transport.subscribe(listener),
    onStatus: (listener) => listeners.add(listener),
  };
}
