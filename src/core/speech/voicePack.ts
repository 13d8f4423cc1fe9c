// A deployment may replace the generated voice (espeak-ng, assets/voice)
// with recordings by a human speaker: a folder of files named
// "<catalogue key>.<lang>.<ext>" (e.g. "card.place.title.id.ogg"), Ogg
// (Opus or Vorbis) or WAV. The folder is checked once at start-up, like the
// face models: a file for a key the booth never says, in a language it does
// not speak, unreadable or not audio, is a configuration error that names the
// file. Keys without a recording keep the generated audio. The shell serves
// the checked bytes from memory, never the file on disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import voiceManifest from '../../../assets/voice/manifest.json';
import { nearest } from '../config';

/** The keys the booth speaks: the generated voice has audio for exactly these (a unit test holds it to the screens' list). */
export const spokenKeys: ReadonlySet<string> = new Set(Object.keys(voiceManifest.files));
export const VOICE_PACK_LANGUAGES = ['id', 'en'] as const;
/** One instruction read slowly is well under this; a larger file is a mistake (a whole recording session, an uncompressed take). */
export const MAX_VOICE_FILE_BYTES = 4 * 1024 * 1024;
/** Where the shells serve the recordings, inside the verified in-memory folder (src/shared/security/verifiedPaths.ts). */
export const VOICE_PACK_PREFIX = 'voice-pack/';

export type CheckedVoicePack = { ok: true; files: Map<string, Buffer> } | { ok: false; problems: string[] };

/** What kind of audio the bytes are, by their header; null when neither Ogg nor RIFF/WAVE. */
export function audioFormat(bytes: Buffer): 'ogg' | 'wav' | null {
  if (bytes.length >= 36 && bytes.toString('ascii', 0, 4) === 'OggS') {
    // The first Ogg page carries the codec's identification header: Opus or Vorbis, the two Chromium plays in Ogg.
    const firstPage = bytes.subarray(0, Math.min(bytes.length, 512)).toString('latin1');
    return firstPage.includes('OpusHead') || firstPage.includes('\x01vorbis') ? 'ogg' : null;
  }
  if (bytes.length >= 44 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WAVE') return 'wav';
  return null;
}

/** Reads and checks every file in `dir`; `known` are the keys a recording may replace. */
export function checkVoicePack(dir: string, known: ReadonlySet<string> = spokenKeys): CheckedVoicePack {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, problems: [`speech.voicePackDir: ${dir} is not a folder.`] };
    names = readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, problems: [`speech.voicePackDir: cannot read the folder ${dir} (${code}).`] };
  }
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const name of names) {
    const problem = checkFile(dir, name, known, files);
    if (problem) problems.push(`speech.voicePackDir: ${name}: ${problem}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, files };
}

function checkFile(dir: string, name: string, known: ReadonlySet<string>, files: Map<string, Buffer>): string | undefined {
  const parts = /^(.+)\.([a-z]{2})\.(ogg|wav)$/.exec(name);
  if (!parts) return 'not named "<catalogue key>.<lang>.ogg" or ".wav" (e.g. card.place.title.id.ogg).';
  const [, key = '', language = '', extension] = parts;
  if (!known.has(key)) {
    const near = nearest(key, [...known]);
    return `"${key}" is not a key the booth speaks${near ? `; did you mean "${near}"?` : '.'}`;
  }
  if (!(VOICE_PACK_LANGUAGES as readonly string[]).includes(language)) return `"${language}" is not a booth language (id or en).`;
  if (files.has(`${key}.${language}.${extension === 'ogg' ? 'wav' : 'ogg'}`))
    return `${key} in ${language} has both an .ogg and a .wav file: keep one.`;
  let bytes: Buffer;
  try {
    const stat = statSync(join(dir, name));
    if (!stat.isFile()) return 'not a file.';
    if (stat.size > MAX_VOICE_FILE_BYTES) return `${stat.size} bytes; a recording may be at most ${MAX_VOICE_FILE_BYTES} bytes.`;
    bytes = readFileSync(join(dir, name));
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`;
  }
  const format = audioFormat(bytes);
  if (format !== extension)
    return format === null
      ? `not ${extension === 'ogg' ? 'Ogg Opus or Vorbis' : 'RIFF/WAVE'} audio (its first bytes are ${bytes.subarray(0, 4).toString('hex') || 'empty'}).`
      : `holds ${format} audio but is named .${extension}.`;
  files.set(name, bytes);
  return undefined;
}

/** The checked recordings as the shells serve them (under voice-pack/ in the verified folder); empty when there is no pack or it failed. */
export function servableVoicePack(voicePackDir: string | undefined): Map<string, Uint8Array> {
  if (!voicePackDir) return new Map();
  const checked = checkVoicePack(voicePackDir);
  return checked.ok ? new Map([...checked.files].map(([name, bytes]) => [VOICE_PACK_PREFIX + name, bytes])) : new Map();
}
