// npm run voice [-- --check]
//
// Makes the booth's spoken guidance from the message catalogues with
// Debian's espeak-ng (apt-get install espeak-ng opus-tools), offline, into
// assets/voice/<lang>/<hash>.ogg (Ogg Opus, 16 kbit/s mono) and
// assets/voice/manifest.json. The files are committed: a machine without
// espeak-ng builds and tests with them as they are. Only a key whose text (or
// voice settings) changed is synthesised again; files no key uses are
// removed. --check only verifies that every spoken key has audio of its
// current text, and needs no synthesiser.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { languages, type Language } from '../../src/shared/journey/machine';
import { spokenKeys } from '../../src/renderer/speech/spokenKeys';
import { spokenText, type VoiceManifest, type VoiceSettings } from '../../src/renderer/speech/voiceManifest';
import { voiceCacheKey } from './cacheKey';
import { measureWav } from './wav';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VOICE_DIR = join(ROOT, 'assets', 'voice');
export const ENCODING = 'ogg-opus-16k-mono';
/** Slower than espeak-ng's 175 words a minute: many citizens at the booth are elderly. */
export const VOICE_SETTINGS: Record<Language, VoiceSettings> = { id: { voice: 'id', speed: 140 }, en: { voice: 'en-gb', speed: 140 } };
/** Below this RMS a file is taken for silence (a voice that failed to load speaks nothing). */
const MIN_RMS = 0.02;

/** "espeak-ng 1.51", or null when it is not installed. */
export function espeakVersion(): string | null {
  const run = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' });
  const version = run.status === 0 ? /text-to-speech:\s*([\d.]+)/.exec(run.stdout)?.[1] : undefined;
  return version ? `espeak-ng ${version}` : null;
}

/** Speaks `text` into an Ogg Opus file at `out`; returns its length, after checking it is not silent. */
export function synthesise(text: string, settings: VoiceSettings, out: string): { ms: number } {
  const work = mkdtempSync(join(tmpdir(), 'booth-voice-'));
  try {
    const wav = join(work, 'speech.wav');
    const speak = spawnSync('espeak-ng', ['-v', settings.voice, '-s', String(settings.speed), '-w', wav, '--', text], { encoding: 'utf8' });
    if (speak.status !== 0) throw new Error(`espeak-ng failed for "${text}": ${speak.stderr}`);
    const { ms, rms } = measureWav(readFileSync(wav));
    if (ms < 300 || rms < MIN_RMS) throw new Error(`espeak-ng made silence for "${text}" (${ms} ms, RMS ${rms.toFixed(4)})`);
    // A fixed stream serial number: the same text gives the same bytes on every run.
    const encode = spawnSync('opusenc', ['--quiet', '--bitrate', '16', '--downmix-mono', '--serial', '1', wav, out], { encoding: 'utf8' });
    if (encode.status !== 0) throw new Error(`opusenc failed (apt-get install opus-tools): ${encode.stderr}`);
    return { ms };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function readVoiceManifest(dir = VOICE_DIR): VoiceManifest | null {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as VoiceManifest) : null;
}

/** The spoken keys whose audio is missing or was made from other words; empty when all is current. */
export function staleVoiceFiles(manifest: VoiceManifest, dir = VOICE_DIR): string[] {
  const stale: string[] = [];
  for (const key of spokenKeys)
    for (const language of languages) {
      const entry = manifest.files[key]?.[language];
      const settings = manifest.languages[language];
      const hash = voiceCacheKey({ text: spokenText(language, key), ...settings, engine: manifest.engine, encoding: manifest.encoding });
      if (entry?.hash !== hash) stale.push(`${key} (${language}): ${entry ? 'its text changed' : 'no audio'}`);
      else if (!existsSync(join(dir, language, `${hash}.ogg`))) stale.push(`${key} (${language}): ${language}/${hash}.ogg is missing`);
    }
  return stale;
}

/** Brings assets/voice up to date; returns what it did, for the log. */
export function generateVoice(engine: string, dir = VOICE_DIR): { made: number; kept: number; removed: number; bytes: number } {
  const previous = readVoiceManifest(dir);
  const manifest: VoiceManifest = { engine, encoding: ENCODING, languages: VOICE_SETTINGS, files: {} };
  let made = 0;
  let kept = 0;
  for (const key of spokenKeys)
    for (const language of languages) {
      const settings = VOICE_SETTINGS[language];
      const hash = voiceCacheKey({ text: spokenText(language, key), ...settings, engine, encoding: ENCODING });
      const file = join(dir, language, `${hash}.ogg`);
      const before = Object.values(previous?.files ?? {}).find((entry) => entry[language]?.hash === hash)?.[language];
      let ms = before?.ms;
      if (ms === undefined || !existsSync(file)) {
        mkdirSync(dirname(file), { recursive: true });
        ms = synthesise(spokenText(language, key), settings, file).ms;
        made++;
      } else kept++;
      (manifest.files[key] ??= {})[language] = { hash, ms };
    }
  let removed = 0;
  let bytes = 0;
  for (const language of languages) {
    const used = new Set(Object.values(manifest.files).map((entry) => `${entry[language]?.hash}.ogg`));
    for (const name of existsSync(join(dir, language)) ? readdirSync(join(dir, language)) : []) {
      if (used.has(name)) bytes += readFileSync(join(dir, language, name)).length;
      else {
        rmSync(join(dir, language, name));
        removed++;
      }
    }
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { made, kept, removed, bytes };
}

function main(argv: string[]): number {
  if (argv.some((arg) => arg !== '--check')) throw new Error(`Unknown argument. Usage: npm run voice [-- --check]`);
  const manifest = readVoiceManifest();
  if (argv.includes('--check')) {
    const stale = manifest ? staleVoiceFiles(manifest) : ['assets/voice/manifest.json does not exist'];
    if (stale.length > 0) throw new Error(`Spoken guidance is out of date; run "npm run voice":\n  ${stale.join('\n  ')}`);
    console.log(`voice: ${spokenKeys.length} keys in ${languages.length} languages match the catalogues.`);
    return 0;
  }
  const engine = espeakVersion();
  if (!engine) {
    if (manifest && staleVoiceFiles(manifest).length === 0) {
      console.log('voice: up to date (espeak-ng is not installed, and nothing needs it).');
      return 0;
    }
    throw new Error('Spoken guidance must be regenerated, and that needs espeak-ng and opusenc: apt-get install espeak-ng opus-tools');
  }
  const { made, kept, removed, bytes } = generateVoice(engine);
  console.log(`voice: ${made} made, ${kept} kept, ${removed} removed; ${(bytes / 1024).toFixed(0)} KiB in assets/voice.`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
