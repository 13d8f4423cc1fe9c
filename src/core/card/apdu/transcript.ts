// Byte transcripts of card exchanges, as in test/fixtures/*.transcript:
//
//   # a comment
//   card => FF CA 00 00 00
//   card <= 04 A1 B2 C3 D4 E5 F6 90 00
//   sam  => 00 F0 00 00 20 ...
//
// `recordTranscript` wraps live channels and writes what passed; a replay
// answers from a transcript in strict order and fails on any unexpected or
// missing exchange.
import { fromHex, toHex } from './apdu';
import type { ApduChannel } from './channel';

export interface TranscriptEntry {
  channel: string;
  command: Uint8Array;
  response: Uint8Array;
}

export function parseTranscript(text: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  let open: { channel: string; command: Uint8Array; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\w+)\s+(=>|<=)\s+([0-9A-Fa-f\s]+)$/.exec(line);
    if (!match) throw new Error(`transcript line ${index + 1}: expected "CHANNEL => HEX" or "CHANNEL <= HEX"`);
    const [, channel, arrow, hex] = match as unknown as [string, string, string, string];
    if (arrow === '=>') {
      if (open) throw new Error(`transcript line ${index + 1}: command without a response on line ${open.line}`);
      open = { channel, command: fromHex(hex), line: index + 1 };
    } else {
      if (!open || open.channel !== channel) throw new Error(`transcript line ${index + 1}: response without its command`);
      entries.push({ channel, command: open.command, response: fromHex(hex) });
      open = undefined;
    }
  });
  if (open) throw new Error(`transcript line ${open.line}: command without a response`);
  return entries;
}

export function formatTranscript(entries: TranscriptEntry[], header = ''): string {
  const spaced = (bytes: Uint8Array) => toHex(bytes).replace(/(..)(?=.)/g, '$1 ');
  const width = Math.max(...entries.map((entry) => entry.channel.length));
  const lines = entries.flatMap((entry) => [
    `${entry.channel.padEnd(width)} => ${spaced(entry.command)}`,
    `${entry.channel.padEnd(width)} <= ${spaced(entry.response)}`,
  ]);
  return `${header ? `${header.replace(/^/gm, '# ')}\n` : ''}${lines.join('\n')}\n`;
}

/** Wraps named channels so every exchange is appended to `entries`. */
export function recordTranscript<T extends Record<string, ApduChannel>>(channels: T): { channels: T; entries: TranscriptEntry[] } {
  const entries: TranscriptEntry[] = [];
  const wrapped = Object.fromEntries(
    Object.entries(channels).map(([name, channel]) => [
      name,
      {
        transmit: async (command: Uint8Array) => {
          const response = await channel.transmit(command);
          entries.push({ channel: name, command: Uint8Array.from(command), response: Uint8Array.from(response) });
          return response;
        },
      } satisfies ApduChannel,
    ]),
  ) as T;
  return { channels: wrapped, entries };
}

export class TranscriptMismatch extends Error {
  override readonly name = 'TranscriptMismatch';
}

/** Channels that answer from the transcript in its exact order; `assertDone` fails if any exchange is left. */
export function replayTranscript(entries: TranscriptEntry[]): { channel(name: string): ApduChannel; assertDone(): void } {
  let cursor = 0;
  return {
    channel: (name) => ({
      transmit: async (command) => {
        const expected = entries[cursor];
        if (!expected) throw new TranscriptMismatch(`unexpected ${name} => ${toHex(command)} after the transcript ended`);
        if (expected.channel !== name || toHex(expected.command) !== toHex(command)) {
          throw new TranscriptMismatch(
            `exchange ${cursor + 1}: expected ${expected.channel} => ${toHex(expected.command)}, got ${name} => ${toHex(command)}`,
          );
        }
        cursor += 1;
        return expected.response;
      },
    }),
    assertDone: () => {
      if (cursor !== entries.length)
        throw new TranscriptMismatch(
          `${entries.length - cursor} exchange(s) never happened, next: ${entries[cursor]!.channel} => ${toHex(entries[cursor]!.command)}`,
        );
    },
  };
}
