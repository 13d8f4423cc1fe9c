// The card-reading capability the booth uses: one `read()` whatever the
// transport, chosen once from configuration. Real drivers (PC/SC, serial
// module) here; the emulated serial module (emulator/emulatedReader.ts), with
// its virtual cards and synthetic citizens, is imported only when the
// configuration asks for it, so the build keeps it in a chunk of its own
// (out/emulators/) that a packaged booth does not ship.
import { fromHex } from './apdu/apdu';
import type { CardReadout, ReadProgress, SamSecrets } from './ektp/readEktp';
import { readEktp } from './ektp/readEktp';
import { throwIfAborted } from './abort';
import { CardError } from './errors';
import { openPcscSession, pcscSlotStatus } from './pcsc/pcscChannels';
import { moduleClientOptions, SerialModuleClient } from './serial/client';
import { openHidLink } from './serial/hidLink';
import { openSerialLink, type ByteLink } from './serial/link';
import { moduleStatus, readEktpViaModule } from './serial/readViaModule';

export type CardDriverConfig =
  | { driver: 'none' }
  | {
      driver: 'pcsc';
      cardReader: string;
      samReader: string;
      sam: { pcid: string; conf: string };
      samSlotEscape?: { command: string; controlCode: number };
    }
  | { driver: 'serial'; path: string; baudRate: number; sam: { pcid: string; conf: string } }
  | { driver: 'hid'; vendorId: number; productId: number; sam: { pcid: string; conf: string } }
  | { driver: 'emulated-serial'; identity: number; baudRate: number; link?: 'auto' | 'pty' | 'in-process' };

export type PlacedCard = { identity: number } | 'not-ektp' | 'not-genuine' | null;

/** What a demo or a test can do to the emulated reader, like a citizen's hand would. */
export interface CardEmulatorControls {
  /**
   * Puts the card of a test identity on the reader, a contactless card that is not an e-KTP, an e-KTP look-alike that was not
   * issued for this SAM (the SAM does not authenticate it), or nothing.
   */
  place(card: PlacedCard): void;
  /** Takes the card away once the read reaches this stage (tests of removal mid-read). */
  removeDuring(stage: Parameters<ReadProgress>[0] | null): void;
}

export interface CardReaderStatus {
  cardPresent: boolean;
  samPresent: boolean;
  /** Known for modules, which keep the SAM unlocked between reads. */
  samUnlocked?: boolean;
  firmware?: string;
}

/** What `watch` reports: the reader came or went, a card was put on or taken off. */
export type CardPresence = { reader: 'present'; cardPresent: boolean; samPresent: boolean } | { reader: 'absent'; reason: string };

export interface CardReader {
  readonly driver: CardDriverConfig['driver'];
  /**
   * Polls the reader (status(), every `intervalMs`) and reports each change:
   * reader attached or detached (pcscd stopped, cable pulled), card placed or
   * removed. Stops when the returned function is called.
   */
  watch(listener: (presence: CardPresence) => void, intervalMs?: number): () => void;
  /** Is the reader there, with a SAM and a card? Never unlocks the SAM (a wrong PCID would cost a try). */
  status(): Promise<CardReaderStatus>;
  /**
   * One whole read. `signal` stops it on the reader: no APDU or frame is sent
   * after it fires and the wait in flight ends. The promise settles only when
   * the read has really ended (a PC/SC transmit in flight cannot be
   * interrupted and is waited for), so a caller that holds the reader until
   * then never overlaps two reads.
   */
  read(onProgress?: ReadProgress, signal?: AbortSignal): Promise<CardReadout>;
  close(): Promise<void>;
  readonly emulator?: CardEmulatorControls;
}

const secretsOf = (sam: { pcid: string; conf: string }): SamSecrets => ({ pcid: fromHex(sam.pcid), conf: fromHex(sam.conf) });

/** Turns status() into change events by polling; one poll at a time, stopped by the returned function. */
function pollPresence(status: () => Promise<CardReaderStatus>): CardReader['watch'] {
  return (listener, intervalMs = 500) => {
    let stopped = false;
    let last = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let presence: CardPresence;
      try {
        const now = await status();
        presence = { reader: 'present', cardPresent: now.cardPresent, samPresent: now.samPresent };
      } catch (error) {
        presence = { reader: 'absent', reason: error instanceof CardError ? error.code : 'NO_READER' };
      }
      if (stopped) return;
      const key = JSON.stringify(presence);
      if (key !== last) {
        last = key;
        listener(presence);
      }
      timer = setTimeout(() => void poll(), intervalMs);
      timer.unref?.();
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  };
}

export interface CardReaderOptions {
  /** Things a technician should know that are not errors (e.g. how the simulated reader is linked). */
  onNotice?: (event: string, message: string) => void;
}

export async function createCardReader(config: CardDriverConfig, options: CardReaderOptions = {}): Promise<CardReader | null> {
  switch (config.driver) {
    case 'none':
      return null;
    case 'pcsc':
      return pcscReader(config);
    case 'serial':
      return serialReader(() => openSerialLink({ path: config.path, baudRate: config.baudRate }), secretsOf(config.sam), 'serial', {
        baudRate: config.baudRate,
      });
    case 'hid':
      return serialReader(() => openHidLink(config.vendorId, config.productId), secretsOf(config.sam), 'hid');
    case 'emulated-serial': {
      const { emulatedSerialReader } = await import('./emulator/emulatedReader');
      return emulatedSerialReader(config, options);
    }
  }
}

function pcscReader(config: Extract<CardDriverConfig, { driver: 'pcsc' }>): CardReader {
  const secrets = secretsOf(config.sam);
  /*
   * The binding's status calls (new context, list readers, release) are synchronous on this thread. While a read is
   * under way they would run beside its transmits, at the moments pcscd is busiest with the readers, and a status call
   * pcscd answers late stalls this whole thread. So a status asked for during a read answers what the read already
   * knows (the card and the SAM are there, or the read says otherwise) and touches PC/SC only between reads.
   */
  let reads = 0;
  const status = async (): Promise<CardReaderStatus> => (reads > 0 ? { cardPresent: true, samPresent: true } : pcscSlotStatus(config));
  return {
    driver: 'pcsc',
    status,
    watch: pollPresence(status),
    read: async (onProgress, signal) => {
      throwIfAborted(signal);
      const escape = config.samSlotEscape && {
        command: fromHex(config.samSlotEscape.command),
        controlCode: config.samSlotEscape.controlCode,
      };
      reads += 1;
      try {
        const session = await openPcscSession({
          cardReader: config.cardReader,
          samReader: config.samReader,
          ...(escape ? { samSlotEscape: escape } : {}),
        });
        try {
          return await readEktp(session.card, session.sam, secrets, onProgress, signal);
        } finally {
          // Waits for a transmit still in flight after an abort: the read has ended only then.
          await session.close();
        }
      } finally {
        reads -= 1;
      }
    },
    close: async () => undefined,
  };
}

/**
 * A reader module (serial or HID) behind an already-chosen link: the same
 * driver createCardReader builds, for a link it cannot open itself (the
 * conformance suite's HID report stand-in on a machine without hidraw).
 */
export function createModuleReader(
  open: () => Promise<ByteLink>,
  secrets: SamSecrets,
  driver: 'serial' | 'hid' | 'emulated-serial',
  hooks: ModuleReaderHooks = {},
): CardReader & { closeClient(): Promise<void> } {
  return serialReader(open, secrets, driver, hooks);
}

export interface ModuleReaderHooks {
  /** Wraps each read's progress callback (the emulator takes a card away at a chosen stage). */
  beforeRead?: (onProgress: ReadProgress) => ReadProgress;
  /** The line's speed, for the module client's timeouts. */
  baudRate?: number;
}

/** A serial module; the port is (re)opened on the next read after any link failure. */
function serialReader(
  open: () => Promise<ByteLink>,
  secrets: SamSecrets,
  driver: 'serial' | 'hid' | 'emulated-serial',
  hooks: ModuleReaderHooks = {},
): CardReader & { closeClient(): Promise<void> } {
  let client: SerialModuleClient | undefined;
  /** One open at a time: a watch poll and a read may both need the port. */
  let opening: Promise<SerialModuleClient> | undefined;
  /**
   * The SEQ the next client starts after. An answer to the closed client's last request may still arrive once the port is
   * reopened (a watch poll cut short by close()); continuing the SEQs, rather than a fresh random start, keeps it from ever
   * matching the new client's first request.
   */
  let lastSeq: number | undefined;
  const closeClient = async () => {
    if (client) lastSeq = client.lastSeq;
    await client?.close().catch(() => undefined);
    client = undefined;
  };
  /** Runs one module operation, reopening the port next time after a link failure. */
  const withClient = async <T>(operation: (module: SerialModuleClient) => Promise<T>): Promise<T> => {
    if (!client) {
      opening ??= open()
        .then(
          (link) =>
            new SerialModuleClient(link, {
              ...moduleClientOptions(hooks.baudRate),
              ...(lastSeq !== undefined ? { firstSeq: (lastSeq % 255) + 1 } : {}),
            }),
        )
        .finally(() => {
          opening = undefined;
        });
      try {
        client = await opening;
      } catch (error) {
        throw new CardError('NO_READER', `Cannot open the card module: ${(error as Error).message}`);
      }
    }
    try {
      return await operation(client);
    } catch (error) {
      if (error instanceof CardError && (error.code === 'NO_READER' || error.code === 'TIMEOUT')) await closeClient();
      throw error;
    }
  };
  const status = () =>
    withClient(async (module) => {
      const { firmware, cardPresent, samPresent, samUnlocked } = await moduleStatus(module);
      return { firmware, cardPresent, samPresent, samUnlocked };
    });
  return {
    driver,
    status,
    watch: pollPresence(status),
    read: (onProgress = () => undefined, signal) =>
      withClient((module) => readEktpViaModule(module, secrets, hooks.beforeRead ? hooks.beforeRead(onProgress) : onProgress, signal)),
    close: closeClient,
    closeClient,
  };
}
