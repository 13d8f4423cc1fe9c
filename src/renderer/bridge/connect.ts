// How the page reaches the booth: Electron's preload puts the contract's
// client on window.booth; in a plain browser the headless host handed us a
// token in the URL fragment and we speak the same contract over WebSocket.
import { createBoothClient, type BoothClient } from '../../shared/contract/client';
import { watchOwnership } from './ownership';
import { createWebSocketTransport, type ConnectionStatus } from './websocketTransport';

declare global {
  interface Window {
    booth?: BoothClient;
  }
}

const TOKEN_KEY = 'booth.token';

export interface BoothConnection {
  client: BoothClient;
  onStatus(listener: (status: ConnectionStatus) => void): void;
}

export function connectToBooth(): BoothConnection | { error: 'no-token' } {
  if (window.booth) return { client: window.booth, onStatus: (listener) => listener('open') };
  const token = takeToken();
  if (!token) return { error: 'no-token' };
  const transport = watchOwnership(createWebSocketTransport(window.location.host, token));
  return { client: createBoothClient(transport), onStatus: (listener) => transport.onStatus(listener) };
}

/** Reads the token from #token=…, then removes it from the address bar. */
function takeToken(): string | null {
  const match = /(?:^#|&)token=([0-9a-f]{16,128})/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export type { ConnectionStatus };
