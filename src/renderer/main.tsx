// Renderer entry: connect to the booth (Electron preload or headless host),
// build the store, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectToBooth } from './bridge/connect';
import { BoothProvider } from './context';
import { OfflineScreen } from './screens/OfflineScreen';
import { createJourneyStore } from './state/journeyStore';
import './styles/booth.css';

const root = createRoot(document.getElementById('root')!);
const connection = connectToBooth();

if ('error' in connection) {
  root.render(<OfflineScreen reason="offline" />);
} else {
  const store = createJourneyStore(connection.client);
  connection.onStatus((status) => {
    store.getState().setConnection(status);
    // Another window owns the booth now: forget whatever this page still held of a citizen.
    if (status === 'in-use') store.getState().resetLocal();
    if (status === 'open') {
      // After a reconnect the core may have wiped the session meanwhile.
      void store.getState().loadInfo();
      void store.getState().resync();
    }
  });
  root.render(
    <StrictMode>
      <BoothProvider store={store}>
        <App />
      </BoothProvider>
    </StrictMode>,
  );
}
