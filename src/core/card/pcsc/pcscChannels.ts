// The PC/SC driver: a card channel and a SAM channel on two PC/SC readers
// (a dual-slot reader shows its SAM slot as a second reader), through
// `smartcard`, an N-API binding to pcscd (Linux) and WinSCard (Windows)
// that needs no rebuild for Electron. Every PC/SC failure becomes a CardError.
import type { ApduChannel } from '../apdu/channel';
import { CardError } from '../errors';
import { connectError, toCardError, transmitError, type PcscRole } from './pcscFaults';
import { trackBindingCall } from './stuckCalls';
import { loadSmartcard, type SmartcardCard, type SmartcardContext, type SmartcardModule, type SmartcardReader } from './smartcardBinding';

/**
 * `smartcard` is an optional dependency: it builds against libpcsclite-dev,
 * and a booth without PC/SC readers (or a developer machine without the
 * headers) must still install and run. It is loaded on first use.
 */
let binding: SmartcardModule | undefined;
function pcsc(): SmartcardModule {
  if (binding) return binding;
  try {
    binding = loadSmartcard();
    return binding;
  } catch {
    throw new CardError('NO_READER', 'PC/SC support is not installed: apt-get install libpcsclite-dev pcscd, then npm rebuild smartcard.');
  }
}

export interface PcscReaderNames {
  /** The contactless slot where the citizen puts the e-KTP (a name or a unique part of it). */
  cardReader: string;
  /** The slot holding the SAM. */
  samReader: string;
  /**
   * Readers that switch to their SAM slot with a vendor escape command
   * (SCardControl), e.g. "68 92 01 00 03 01 00 00" with control code 3500
   * (SCARD_CTL_CODE(3500), the usual escape code). Sent on the SAM connection
   * before the SAM is used.
   */
  samSlotEscape?: { command: Uint8Array; controlCode: number };
}

export interface PcscSession {
  card: ApduChannel;
  sam: ApduChannel;
  /**
   * Releases both connections. A transmit still in flight (its caller gave
   * up: deadline, back, cancel) is waited for first: pcsc-lite would block
   * the disconnect, and the event loop with it, until that transmit returns.
   */
  close(): Promise<void>;
}

export interface PcscReaderState {
  name: string;
  cardPresent: boolean;
}

/** The PC/SC readers attached now and whether each holds a card; NO_READER with a clear reason when pcscd is not there. */
export function pcscReaderStates(): PcscReaderState[] {
  const context = openContext();
  try {
    return safeList(context).map((reader) => ({ name: reader.name, cardPresent: (reader.state & pcsc().SCARD_STATE_PRESENT) !== 0 }));
  } finally {
    context.close();
  }
}

export function listPcscReaders(): string[] {
  return pcscReaderStates().map((reader) => reader.name);
}

/** Connects to the card and the SAM; the caller closes the session after the read. */
export async function openPcscSession(names: PcscReaderNames): Promise<PcscSession> {
  const context = openContext();
  const opened: SmartcardCard[] = [];
  try {
    const readers = safeList(context);
    const cardReader = pick(readers, names.cardReader, 'card');
    const samReader = pick(readers, names.samReader, 'SAM');
    const sam = await connectTo(samReader, 'SAM');
    opened.push(sam);
    if (names.samSlotEscape) await selectSamSlot(sam, names.samSlotEscape);
    const card = await connectTo(cardReader, 'card');
    opened.push(card);
    const inFlight = new Set<Promise<unknown>>();
    return {
      card: channelOf(card, 'card', inFlight),
      sam: channelOf(sam, 'SAM', inFlight),
      close: async () => {
        await Promise.allSettled([...inFlight]);
        for (const connection of opened) {
          try {
            connection.disconnect(pcsc().SCARD_LEAVE_CARD);
          } catch {
            // already gone (card removed): nothing to release
          }
        }
        context.close();
      },
    };
  } catch (error) {
    for (const connection of opened) {
      try {
        connection.disconnect(pcsc().SCARD_LEAVE_CARD);
      } catch {
        // the card is gone already
      }
    }
    context.close();
    throw toCardError(error, 'opening the readers', pcsc());
  }
}

function openContext(): SmartcardContext {
  try {
    const context = new (pcsc().Context)();
    if (!context.isValid) throw new CardError('NO_READER', 'The PC/SC service did not give a context.');
    return context;
  } catch (error) {
    throw toCardError(error, 'opening PC/SC', pcsc());
  }
}

function safeList(context: SmartcardContext): SmartcardReader[] {
  try {
    return context.listReaders();
  } catch (error) {
    if (error instanceof pcsc().NoReadersError) return [];
    throw toCardError(error, 'listing readers', pcsc());
  }
}

/** The reader named `wanted`, or the only one whose name contains it. */
function matchReader<T extends { name: string }>(readers: T[], wanted: string): T | undefined {
  const partial = readers.filter((reader) => reader.name.includes(wanted));
  return readers.find((reader) => reader.name === wanted) ?? (partial.length === 1 ? partial[0] : undefined);
}

/** Whether the configured card and SAM slots hold a card, without connecting to either. */
export function pcscSlotStatus(names: Pick<PcscReaderNames, 'cardReader' | 'samReader'>): { cardPresent: boolean; samPresent: boolean } {
  const readers = pcscReaderStates();
  const card = matchReader(readers, names.cardReader);
  if (!card)
    throw new CardError(
      'NO_READER',
      `No PC/SC reader matches "${names.cardReader}" (attached: ${readers.map((r) => `"${r.name}"`).join(', ') || 'none'}).`,
    );
  return { cardPresent: card.cardPresent, samPresent: matchReader(readers, names.samReader)?.cardPresent ?? false };
}

function pick(readers: SmartcardReader[], wanted: string, role: string): SmartcardReader {
  const reader = matchReader(readers, wanted);
  if (!reader) {
    const seen = readers.length ? readers.map((r) => `"${r.name}"`).join(', ') : 'none';
    throw new CardError(
      role === 'SAM' ? 'SAM_MISSING' : 'NO_READER',
      `No PC/SC reader for the ${role} matches "${wanted}" (attached: ${seen}).`,
    );
  }
  return reader;
}

async function connectTo(reader: SmartcardReader, role: PcscRole): Promise<SmartcardCard> {
  if ((reader.state & pcsc().SCARD_STATE_PRESENT) === 0)
    throw role === 'SAM' ? new CardError('SAM_MISSING', 'No SAM in the SAM slot.') : new CardError('NO_CARD', 'No card on the reader.');
  try {
    return await trackBindingCall(reader.connect(pcsc().SCARD_SHARE_SHARED, pcsc().SCARD_PROTOCOL_T0 | pcsc().SCARD_PROTOCOL_T1));
  } catch (error) {
    throw connectError(error, role, reader.name, pcsc());
  }
}

async function selectSamSlot(sam: SmartcardCard, escape: { command: Uint8Array; controlCode: number }): Promise<void> {
  try {
    await trackBindingCall(sam.control(pcsc().SCARD_CTL_CODE(escape.controlCode), Buffer.from(escape.command)));
  } catch (error) {
    throw new CardError(
      'SAM_MISSING',
      'The reader refused the SAM-slot escape command (check samSlotEscape for this reader model).',
      String((error as Error)?.message ?? '').slice(0, 60),
    );
  }
}

/** An APDU channel on one connection; each transmit is tracked in `inFlight` until the binding returns. */
function channelOf(card: SmartcardCard, role: PcscRole, inFlight: Set<Promise<unknown>>): ApduChannel {
  return {
    transmit: async (command) => {
      const sent = trackBindingCall(card.transmit(Buffer.from(command), { maxRecvLength: 258 }));
      inFlight.add(sent);
      try {
        return new Uint8Array(await sent);
      } catch (error) {
        throw transmitError(error, role, pcsc());
      } finally {
        inFlight.delete(sent);
      }
    },
  };
}
