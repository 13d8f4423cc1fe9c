// The generated voice: assets/voice/manifest.json names, for each spoken key
// and language, the audio file made from its text (npm run voice). Files are
// named by a hash of what made them (text, voice, speed, engine, encoding),
// so a changed message gets a new file and never plays stale words. The
// build ships them at voice/<lang>/<hash>.ogg; a deployment's voice pack
// (recordings by a human speaker) replaces any of them, key by key.
import type { Language } from '../../shared/journey/machine';
import type { MessageKey } from '../i18n';
import { catalogues } from '../i18n';
import manifestJson from '../../../assets/voice/manifest.json';

/** How one language is voiced; part of every file's hash. */
export interface VoiceSettings {
  voice: string;
  /** Words per minute. */
  speed: number;
}

export interface VoiceFile {
  /** Content hash prefix: the file is voice/<lang>/<hash>.ogg. */
  hash: string;
  /** Length of the speech, for the report and the technician. */
  ms: number;
}

export interface VoiceManifest {
  /** The synthesiser and its version, e.g. "espeak-ng 1.51". */
  engine: string;
  /** How the audio is encoded, e.g. "ogg-opus-24k-mono". */
  encoding: string;
  languages: Record<Language, VoiceSettings>;
  files: Record<string, Partial<Record<Language, VoiceFile>>>;
}

export const voiceManifest = manifestJson as VoiceManifest;

/** Where the renderer finds a generated file, relative to the page. */
export function generatedVoiceUrl(language: Language, hash: string): string {
  return `voice/${language}/${hash}.ogg`;
}

/** Where the shell serves a voice pack recording from its checked, in-memory copy (src/core/speech). */
export function voicePackUrl(name: string): string {
  return `models/voice-pack/${name}`;
}

/**
 * The words the synthesiser is given for a catalogue text. Placeholders
 * cannot be voiced ahead of time, so a spoken key must have none (a spoken
 * variant without the number is its own key, e.g. speech.idle.body); an
 * ellipsis becomes a pause, and "e-KTP" is read as the letter and KTP.
 */
export function spokenText(language: Language, key: MessageKey): string {
  const text = catalogues[language][key];
  if (/\{\w+\}/.test(text)) throw new Error(`${key} (${language}) has a placeholder: give it a spoken variant without one.`);
  return text
    .replace(/…/g, '.')
    .replace(/\be-KTP\b/g, 'e KTP')
    .replace(/\s+/g, ' ')
    .trim();
}
