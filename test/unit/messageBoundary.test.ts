// The host's reading of where client messages begin and end (RFC 6455 §5.2),
// fed byte by byte and in whole chunks, with pongs between fragments.
import { describe, expect, it } from 'vitest';
import { createMessageBoundaryTracker } from '../../src/host/messageBoundary';

/** A masked client frame (mask key 0, so the payload reads as sent). */
function frame(opcode: number, fin: boolean, payloadLength: number): Uint8Array {
  const first = (fin ? 0x80 : 0) | opcode;
  let header: number[];
  if (payloadLength < 126) header = [first, 0x80 | payloadLength];
  else if (payloadLength < 65536) header = [first, 0x80 | 126, payloadLength >> 8, payloadLength & 0xff];
  else
    header = [
      first,
      0x80 | 127,
      0,
      0,
      0,
      0,
      (payloadLength >>> 24) & 0xff,
      (payloadLength >> 16) & 0xff,
      (payloadLength >> 8) & 0xff,
      payloadLength & 0xff,
    ];
  return Uint8Array.from([...header, 0, 0, 0, 0, ...new Array<number>(payloadLength).fill(0x61)]);
}

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const PONG = 0xa;

/** Feeds each chunk and answers the unfinished state after each. */
function feed(chunks: Uint8Array[], byteByByte = false): boolean[] {
  const tracker = createMessageBoundaryTracker();
  const states: boolean[] = [];
  for (const chunk of chunks) {
    if (byteByByte) for (const byte of chunk) states.push(tracker.push(Uint8Array.of(byte)));
    else states.push(tracker.push(chunk));
  }
  return states;
}

describe('message boundaries in a client byte stream', () => {
  it('a whole message, short, 16-bit and 64-bit lengths, leaves nothing unfinished', () => {
    expect(feed([frame(TEXT, true, 5), frame(BINARY, true, 300), frame(BINARY, true, 70_000), frame(TEXT, true, 0)])).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('every byte of a frame but its last leaves it unfinished', () => {
    const states = feed([frame(TEXT, true, 200)], true);
    expect(states.slice(0, -1).every((unfinished) => unfinished)).toBe(true);
    expect(states.at(-1)).toBe(false);
  });

  it('a fragmented message stays unfinished across pongs until its final fragment', () => {
    const states = feed([
      frame(TEXT, false, 3),
      frame(PONG, true, 4),
      frame(PONG, true, 0),
      frame(CONTINUATION, false, 2),
      frame(PONG, true, 1),
      frame(CONTINUATION, true, 1),
    ]);
    expect(states).toEqual([true, true, true, true, true, false]);
  });

  it('a pong alone between messages finishes nothing and starts nothing', () => {
    expect(feed([frame(PONG, true, 8), frame(TEXT, true, 1), frame(PONG, true, 0)])).toEqual([false, false, false]);
  });

  it('a frame announcing 1 MiB that stops after 6 bytes is unfinished', () => {
    expect(feed([frame(BINARY, true, 1 << 20).subarray(0, 14 + 6)])).toEqual([true]);
  });

  it('frames split across and joined within chunks are read the same way', () => {
    const stream = Uint8Array.from([
      ...frame(TEXT, false, 10),
      ...frame(PONG, true, 2),
      ...frame(CONTINUATION, true, 300),
      ...frame(TEXT, true, 1),
    ]);
    const tracker = createMessageBoundaryTracker();
    const cut = [7, 20, 23, 200, stream.length];
    let from = 0;
    const states = cut.map((to) => {
      const unfinished = tracker.push(stream.subarray(from, to));
      from = to;
      return unfinished;
    });
    expect(states).toEqual([true, true, true, true, false]);
  });
});
