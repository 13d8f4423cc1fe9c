// The booth's simulated card reader: a serial module emulator with a virtual
// e-KTP and SAM on one end of a line, the real serial driver on the other.
// Loaded only when the configuration names the emulated-serial driver
// (reader.ts imports it dynamically), so production bundles leave it, the
// virtual cards and the synthetic citizens' photos out.
import type { ReadProgress } from '../ektp/readEktp';
import { createModuleReader, type CardDriverConfig, type CardReader, type CardReaderOptions, type PlacedCard } from '../reader';
import { openSerialLink, type ByteLink } from '../serial/link';
import { createVirtualEktp, testIdentities, type VirtualEktpSet } from './index';
import { openMemoryLine } from './memoryLine';
import { hasSocat, openPtyPair, type PtyPair } from './pty';
import { SerialModuleEmulator } from './serialModule';

/**
 * The booth's simulated card reader: a serial module emulator with a virtual
 * e-KTP and SAM on one end of a socat pseudo-terminal pair, the real serial
 * driver on the other. Without socat (a fresh machine) the same frames go
 * over an in-process line instead, and a notice says so. Started on the
 * first read.
 */
export function emulatedSerialReader(
  config: Extract<CardDriverConfig, { driver: 'emulated-serial' }>,
  options: CardReaderOptions,
): CardReader {
  let line: { openHost(): Promise<ByteLink>; close(): Promise<void> } | undefined;
  let emulator: SerialModuleEmulator | undefined;
  let moduleLink: ByteLink | undefined;
  // The SAM stays; cards placed later are issued for it (same secrets, same card key).
  const set: VirtualEktpSet = createVirtualEktp({ identity: testIdentities[config.identity] });
  let removeAt: Parameters<ReadProgress>[0] | null = null;
  let wanted: PlacedCard = { identity: config.identity };

  const cardFor = (choice: PlacedCard) => {
    if (choice === null) return null;
    if (choice === 'not-ektp') return createVirtualEktp({ isEktp: false }).card;
    // Same chip files, its own keys: a card Dukcapil did not personalise for this SAM.
    if (choice === 'not-genuine') return createVirtualEktp({ identity: testIdentities[config.identity] }).card;
    return createVirtualEktp({ identity: testIdentities[choice.identity] ?? testIdentities[0], sharedWith: set }).card;
  };

  /** The module end for the emulator and a way to open the driver's end, over a pty pair or in process. */
  const openLine = async (): Promise<{ module: ByteLink; openHost(): Promise<ByteLink>; close(): Promise<void> }> => {
    const link = config.link ?? 'auto';
    const inProcess = () => {
      const memory = openMemoryLine();
      return { module: memory.module, openHost: memory.openHost, close: () => memory.module.close() };
    };
    if (link === 'in-process') return inProcess();
    if (link === 'auto' && !hasSocat()) {
      options.onNotice?.(
        'card.emulator_in_process',
        'socat is not installed: the simulated card module is linked in process (same frames, no pseudo-terminal). apt-get install socat for a real serial line.',
      );
      return inProcess();
    }
    let pair: PtyPair;
    try {
      pair = await openPtyPair();
    } catch (error) {
      if (link === 'pty') throw error;
      // socat is there but cannot make a pair (e.g. no /dev/pts in a container).
      options.onNotice?.(
        'card.emulator_in_process',
        `socat could not open a pseudo-terminal pair (${(error as Error).message}): the simulated card module is linked in process instead.`,
      );
      return inProcess();
    }
    try {
      const module = await openSerialLink({ path: pair.modulePath, baudRate: config.baudRate });
      return { module, openHost: () => openSerialLink({ path: pair.hostPath, baudRate: config.baudRate }), close: pair.close };
    } catch (error) {
      await pair.close();
      throw error;
    }
  };

  const reader = createModuleReader(
    async () => {
      if (!line) {
        // Assigned only once every part is up, so a failed start is retried whole next time.
        const opened = await openLine();
        emulator = new SerialModuleEmulator(opened.module, { card: cardFor(wanted), sam: set.sam }, { baudRate: config.baudRate });
        moduleLink = opened.module;
        line = opened;
      }
      return line.openHost();
    },
    set.secrets,
    'emulated-serial',
    {
      baudRate: config.baudRate,
      beforeRead: (onProgress) => (stage, fraction) => {
        if (removeAt === stage && fraction > 0) emulator?.setCard(null);
        onProgress(stage, fraction);
      },
    },
  );

  return {
    driver: 'emulated-serial',
    status: reader.status,
    watch: reader.watch,
    read: reader.read,
    close: async () => {
      await reader.closeClient();
      await moduleLink?.close();
      await line?.close();
      line = undefined;
    },
    emulator: {
      place: (card) => {
        wanted = card;
        emulator?.setCard(cardFor(card));
      },
      removeDuring: (stage) => {
        removeAt = stage;
      },
    },
  };
}
