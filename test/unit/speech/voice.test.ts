// The spoken guidance's cache rule: every key the booth speaks has generated
// audio in both languages, made from the catalogue text as it is NOW (a
// message changed without "npm run voice" fails here), each file is real
// Ogg Opus, and a changed message gets a new file name (and, with espeak-ng
// installed, new audio).
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { languages } from '../../../src/shared/journey/machine';
import { audioFormat, spokenKeys as coreSpokenKeys } from '../../../src/core/speech';
import { catalogues, type MessageKey } from '../../../src/renderer/i18n';
import { spokenKeys, faceSpeech, screenSpeech } from '../../../src/renderer/speech/spokenKeys';
import { spokenText, voiceManifest } from '../../../src/renderer/speech/voiceManifest';
import { voiceCacheKey } from '../../../scripts/voice/cacheKey';
import { espeakVersion, generateVoice, readVoiceManifest, staleVoiceFiles, VOICE_DIR } from '../../../scripts/voice/index';
import { measureWav } from '../../../scripts/voice/wav';
import { pcmWav } from '../../support/wav';

const CHANGED_KEY: MessageKey = 'card.place.title';
const original = { id: catalogues.id[CHANGED_KEY], en: catalogues.en[CHANGED_KEY] };

afterEach(() => {
  catalogues.id[CHANGED_KEY] = original.id;
  catalogues.en[CHANGED_KEY] = original.en;
});

describe('generated voice (assets/voice)', () => {
  it('has audio of the current text for every spoken key in Bahasa Indonesia and English', () => {
    expect(spokenKeys.length).toBeGreaterThan(60);
    expect(staleVoiceFiles(voiceManifest)).toEqual([]);
    for (const key of spokenKeys)
      for (const language of languages) {
        const file = voiceManifest.files[key]?.[language];
        expect(file, `${key} (${language})`).toBeDefined();
        const bytes = readFileSync(join(VOICE_DIR, language, `${file!.hash}.ogg`));
        expect(audioFormat(bytes), `${key} (${language})`).toBe('ogg');
        expect(bytes.subarray(0, 512).toString('latin1')).toContain('OpusHead');
        expect(file!.ms).toBeGreaterThan(300);
      }
  });

  it('lists exactly the spoken keys, so the voice pack check (core) knows the same keys as the screens', () => {
    expect(new Set(Object.keys(voiceManifest.files))).toEqual(new Set(spokenKeys));
    expect(coreSpokenKeys).toEqual(new Set(spokenKeys));
  });

  it('keeps no file that no key uses', () => {
    for (const language of languages) {
      const used = new Set(Object.values(voiceManifest.files).map((entry) => `${entry[language]?.hash}.ogg`));
      expect(readdirSync(join(VOICE_DIR, language)).filter((name) => !used.has(name))).toEqual([]);
    }
  });

  it('speaks every screen instruction with its heading first, every face prompt, and nothing with a placeholder', () => {
    for (const [instruction, keys] of Object.entries(screenSpeech)) expect(keys[0]).toBe(instruction);
    for (const key of faceSpeech) expect(spokenKeys).toContain(key);
    for (const key of ['idle.title', 'speech.idle.body', 'cancel.title', 'attract.start', 'offline.title'] as const)
      expect(spokenKeys).toContain(key);
    for (const key of spokenKeys) for (const language of languages) expect(() => spokenText(language, key)).not.toThrow();
    expect(() => spokenText('id', 'idle.body')).toThrow(/placeholder/);
  });

  it('fails the check when a message changes without new audio, because its file name is a hash of the words', () => {
    const settings = voiceManifest.languages.id;
    const recipe = { text: spokenText('id', CHANGED_KEY), ...settings, engine: voiceManifest.engine, encoding: voiceManifest.encoding };
    expect(voiceCacheKey(recipe)).toBe(voiceManifest.files[CHANGED_KEY]?.id?.hash);
    expect(voiceCacheKey({ ...recipe, text: `${recipe.text}!` })).not.toBe(voiceCacheKey(recipe));
    expect(voiceCacheKey({ ...recipe, speed: recipe.speed + 1 })).not.toBe(voiceCacheKey(recipe));
    expect(voiceCacheKey({ ...recipe, engine: 'espeak-ng 9.99' })).not.toBe(voiceCacheKey(recipe));

    catalogues.id[CHANGED_KEY] = 'Taruh e-KTP Anda di atas pembaca kartu';
    expect(staleVoiceFiles(voiceManifest)).toEqual([`${CHANGED_KEY} (id): its text changed`]);
  });

  const engine = espeakVersion();
  const sameEngine = engine !== null && engine === voiceManifest.engine;
  it.skipIf(!sameEngine)(
    `makes new, non-silent audio for a changed message and only for it (needs ${voiceManifest.engine} and opusenc installed)`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'booth-voice-test-'));
      try {
        cpSync(VOICE_DIR, dir, { recursive: true });
        const before = voiceManifest.files[CHANGED_KEY]!.en!.hash;
        catalogues.en[CHANGED_KEY] = 'Put your e-KTP on the card reader below the screen';
        const result = generateVoice(engine!, dir);
        expect(result).toMatchObject({ made: 1, removed: 1 });
        const after = readVoiceManifest(dir)!.files[CHANGED_KEY]!.en!.hash;
        expect(after).not.toBe(before);
        expect(existsSync(join(dir, 'en', `${before}.ogg`))).toBe(false);
        expect(audioFormat(readFileSync(join(dir, 'en', `${after}.ogg`)))).toBe('ogg');
        expect(staleVoiceFiles(readVoiceManifest(dir)!, dir)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('measureWav', () => {
  const wav = (samples: number[]) => pcmWav(samples, 1000);

  it('tells silence from sound, and measures the length', () => {
    expect(measureWav(wav(new Array(500).fill(0)))).toEqual({ ms: 500, rms: 0 });
    const loud = measureWav(wav(Array.from({ length: 1000 }, (_, i) => (i % 2 ? 16384 : -16384))));
    expect(loud.ms).toBe(1000);
    expect(loud.rms).toBeCloseTo(0.5, 3);
    expect(() => measureWav(Buffer.from('not a wave file at all, no header here.....'))).toThrow(/RIFF/);
  });
});
