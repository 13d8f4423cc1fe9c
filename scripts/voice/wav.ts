// Just enough of RIFF/WAVE to measure what espeak-ng wrote: 16-bit PCM,
// its length and loudness, so a silent or empty file never ships.

export interface PcmMeasure {
  ms: number;
  /** Root mean square of the samples, 0 (silence) to 1 (full scale). */
  rms: number;
}

/** Reads the fmt and data chunks of a 16-bit PCM WAV file; throws on anything else. */
export function measureWav(bytes: Buffer): PcmMeasure {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    // espeak-ng writes its data chunk's size as 0x7fffffff when streaming: take what is there.
    const size = Math.min(bytes.readUInt32LE(offset + 4), bytes.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(body + 2);
      sampleRate = bytes.readUInt32LE(body + 4);
      bits = bytes.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16 || channels < 1 || sampleRate <= 0) throw new Error(`expected 16-bit PCM, found ${bits}-bit, ${channels} channel(s)`);
      const samples = Math.floor(size / 2);
      let sum = 0;
      for (let i = 0; i < samples; i++) sum += (bytes.readInt16LE(body + i * 2) / 32768) ** 2;
      return { ms: Math.round((samples / channels / sampleRate) * 1000), rms: samples ? Math.sqrt(sum / samples) : 0 };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}
