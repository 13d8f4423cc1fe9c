// Where a client's WebSocket messages begin and end, read from the raw bytes
// beside ws's own parser. ws tells us when a message is complete, never that
// one has begun, so a client could open a fragmented message, answer every
// ping between its fragments (control frames may come between them) and hold
// a connection slot for good. Knowing that a message is unfinished lets the
// host bound how long it may stay so.
//
// RFC 6455 §5.2, a client frame: byte 0 = FIN (0x80) | opcode (0x0 continuation,
// 0x1 text, 0x2 binary, 0x8-0xF control); byte 1 = MASK (0x80, always set by
// clients) | length 0-125, or 126 then a 16-bit length, or 127 then a 64-bit
// length; then the 4-byte mask key when MASK is set; then the payload.
// Example: 01 85 k k k k p p p p p is the first 5-byte fragment of a text
// message (FIN clear): the message stays unfinished until a frame 80 … (FIN,
// continuation) arrives, whatever pings (0x8A pongs) come in between.

export interface MessageBoundaryTracker {
  /** Reads bytes as they arrive; answers whether a frame or a fragmented message is unfinished after them. */
  push(chunk: Uint8Array): boolean;
}

export function createMessageBoundaryTracker(): MessageBoundaryTracker {
  const header = new Uint8Array(14);
  let headerHave = 0;
  let headerNeed = 2;
  let payloadLeft = 0;
  let frameIsData = false;
  let frameFin = false;
  /** A data frame without FIN was read and its final fragment has not been. */
  let fragmented = false;

  function endFrame() {
    if (frameIsData) fragmented = !frameFin;
  }

  function readHeader() {
    frameFin = (header[0]! & 0x80) !== 0;
    frameIsData = (header[0]! & 0x08) === 0;
    const short = header[1]! & 0x7f;
    const view = new DataView(header.buffer);
    payloadLeft = short === 126 ? view.getUint16(2) : short === 127 ? Number(view.getBigUint64(2)) : short;
    headerHave = 0;
    headerNeed = 2;
    if (payloadLeft === 0) endFrame();
  }

  return {
    push(chunk) {
      let at = 0;
      while (at < chunk.length) {
        if (payloadLeft > 0) {
          const take = Math.min(payloadLeft, chunk.length - at);
          payloadLeft -= take;
          at += take;
          if (payloadLeft === 0) endFrame();
          continue;
        }
        header[headerHave++] = chunk[at++]!;
        if (headerHave === 2) {
          const short = header[1]! & 0x7f;
          headerNeed = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (header[1]! & 0x80 ? 4 : 0);
        }
        if (headerHave === headerNeed) readHeader();
      }
      return headerHave > 0 || payloadLeft > 0 || fragmented;
    },
  };
}
