// Strict replay of a recorded read (test/fixtures/ektp-read.transcript): the
// reader must send exactly these bytes in this order, no more, no less.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/card/apdu/apdu';
import {
  formatTranscript,
  parseTranscript,
  replayTranscript,
  TranscriptMismatch,
  type TranscriptEntry,
} from '../../../src/core/card/apdu/transcript';
import { readEktp } from '../../../src/core/card/ektp/readEktp';
import { CardError } from '../../../src/core/card/errors';

const entries = parseTranscript(readFileSync(resolve(import.meta.dirname, '../../fixtures/ektp-read.transcript'), 'utf8'));
// The unlock APDU carries PCID XOR CONF: replay with PCID = that key, CONF = zeros.
const secrets = { pcid: entries[0]!.command.slice(5, 37), conf: new Uint8Array(32) };

function replay(list: TranscriptEntry[]) {
  const session = replayTranscript(list);
  return { session, run: () => readEktp(session.channel('card'), session.channel('sam'), secrets) };
}

describe('e-KTP transcript replay', () => {
  it('replays the recorded read exactly', async () => {
    const { session, run } = replay(entries);
    const readout = await run();
    expect(readout.nik).toBe('3174054208900001');
    expect(readout.photo.bytes.length).toBe(1_200);
    session.assertDone();
  });

  it('fails on a missing exchange and on an unexpected one', async () => {
    const short = replay(entries.slice(0, -2));
    await expect(short.run()).rejects.toBeInstanceOf(TranscriptMismatch);
    const long = replay([...entries, entries.at(-1)!]);
    await long.run();
    expect(() => long.session.assertDone()).toThrow(TranscriptMismatch);
  });

  it('round-trips through its text form', () => {
    expect(parseTranscript(formatTranscript(entries)).map((e) => toHex(e.command))).toEqual(entries.map((e) => toHex(e.command)));
    expect(() => parseTranscript('card => 00A4\ncard => 00B0')).toThrow(/command without a response/);
    expect(() => parseTranscript('card <= 9000')).toThrow(/response without its command/);
    expect(() => parseTranscript('card -> 00')).toThrow(/expected/);
  });

  /** The entry where the SAM hands back the first deciphered chunk of the photo (its length prefix). */
  const photoStart = entries.findIndex(
    (entry, index) =>
      entry.channel === 'sam' &&
      entry.command[1] === 0xf3 &&
      entries[index - 1]?.channel === 'card' &&
      index > entries.findIndex((e) => toHex(e.command) === '00A40000026FF2'),
  );

  it.each([
    ['a photo that declares 65,535 bytes', (r: Uint8Array) => Uint8Array.of(0xff, 0xff, ...r.subarray(2)), 'TOO_LARGE'],
    ['a photo that declares zero bytes', (r: Uint8Array) => Uint8Array.of(0, 0, ...r.subarray(2)), 'MALFORMED'],
    ['a SAM that answers the decipher with an error', () => Uint8Array.of(0x69, 0x85), 'AUTH_FAILED'],
    ['a SAM answer shorter than the chunk', (r: Uint8Array) => Uint8Array.of(...r.subarray(0, 10), 0x90, 0x00), 'MALFORMED'],
  ])('turns %s into a typed error', async (_name, patch, code) => {
    expect(photoStart).toBeGreaterThan(0);
    const hostile = entries.map((entry, index) => (index === photoStart ? { ...entry, response: patch(entry.response) } : entry));
    const error = await replay(hostile)
      .run()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CardError);
    expect((error as CardError).code).toBe(code);
  });
});
