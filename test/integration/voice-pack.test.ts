// A deployment's voice pack in a real folder: recordings named by catalogue
// key and language are checked at start-up (a wrong name, language or format
// is a configuration error that names the file), listed in booth.info, and
// served by the host from the checked bytes; keys without a recording keep
// the generated voice.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeBooth } from '../../src/core/booth/compose';
import { ConfigError } from '../../src/core/config';
import { checkVoicePack } from '../../src/core/speech';
import { voiceManifest } from '../../src/renderer/speech/voiceManifest';
import { VOICE_DIR } from '../../scripts/voice/index';
import { startTestBooth, type TestBooth } from '../support/host';
import { pcmWav } from '../support/wav';

/** A generated Ogg Opus file, standing in for a human speaker's recording. */
const recording = readFileSync(join(VOICE_DIR, 'id', `${voiceManifest.files['card.place.title']!.id!.hash}.ogg`));

/** Half a second of a tone as a 16-bit mono WAV: a recording saved uncompressed. */
const toneWav = () =>
  pcmWav(
    Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 5))),
    16000,
  );

describe('voice pack', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'booth-voice-pack-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts Ogg and WAV recordings named "<key>.<lang>.<ext>"', () => {
    writeFileSync(join(dir, 'card.place.title.id.ogg'), recording);
    writeFileSync(join(dir, 'idle.title.en.wav'), toneWav());
    const checked = checkVoicePack(dir);
    expect(checked.ok).toBe(true);
    expect(checked.ok && [...checked.files.keys()]).toEqual(['card.place.title.id.ogg', 'idle.title.en.wav']);
  });

  it('names every file that cannot be used, and why', () => {
    writeFileSync(join(dir, 'card.plase.title.id.ogg'), recording);
    writeFileSync(join(dir, 'card.place.title.fr.ogg'), recording);
    writeFileSync(join(dir, 'face.title.id.ogg'), Buffer.from('ID3 this is an mp3 renamed to .ogg, not Ogg at all'));
    writeFileSync(join(dir, 'face.hint.id.ogg'), toneWav());
    writeFileSync(join(dir, 'README.txt'), 'recorded by ...');
    writeFileSync(join(dir, 'email.title.en.ogg'), recording);
    writeFileSync(join(dir, 'email.title.en.wav'), toneWav());
    mkdirSync(join(dir, 'review.title.id.ogg'));
    const checked = checkVoicePack(dir);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems).toEqual([
      'speech.voicePackDir: README.txt: not named "<catalogue key>.<lang>.ogg" or ".wav" (e.g. card.place.title.id.ogg).',
      'speech.voicePackDir: card.place.title.fr.ogg: "fr" is not a booth language (id or en).',
      'speech.voicePackDir: card.plase.title.id.ogg: "card.plase.title" is not a key the booth speaks; did you mean "card.place.title"?',
      'speech.voicePackDir: email.title.en.wav: email.title in en has both an .ogg and a .wav file: keep one.',
      'speech.voicePackDir: face.hint.id.ogg: holds wav audio but is named .ogg.',
      'speech.voicePackDir: face.title.id.ogg: not Ogg Opus or Vorbis audio (its first bytes are 49443320).',
      'speech.voicePackDir: review.title.id.ogg: not a file.',
    ]);
  });

  it('refuses a folder that is not there', () => {
    expect(checkVoicePack(join(dir, 'missing'))).toEqual({
      ok: false,
      problems: [`speech.voicePackDir: cannot read the folder ${join(dir, 'missing')} (ENOENT).`],
    });
  });

  it('stops the booth from starting with a configuration error that names the file', async () => {
    writeFileSync(join(dir, 'attract.strat.id.ogg'), recording);
    const started = composeBooth({ config: { speech: { voicePackDir: dir }, logging: { level: 'silent' } }, version: '0.0.0-test' });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      /configuration has 1 problem:\n {2}- speech\.voicePackDir: attract\.strat\.id\.ogg: .*"attract\.start"/,
    );
  });
});

describe('voice pack served by the host', () => {
  let booth: TestBooth;
  const dir = mkdtempSync(join(tmpdir(), 'booth-voice-pack-'));
  afterAll(async () => {
    await booth?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the recordings in booth.info and serves them from the checked copy, not the disk', async () => {
    copyFileSync(join(VOICE_DIR, 'en', `${voiceManifest.files['attract.start']!.en!.hash}.ogg`), join(dir, 'consent.title.en.ogg'));
    booth = await startTestBooth({ speech: { defaultVolume: 0.5, voicePackDir: dir } });
    const info = await booth.booth.handlers['booth.info']({});
    expect(info).toMatchObject({ ok: true, value: { speech: { defaultVolume: 0.5, voicePack: ['consent.title.en.ogg'] } } });

    const served = readFileSync(join(dir, 'consent.title.en.ogg'));
    // Replaced on disk after the check: the host still serves what it checked.
    writeFileSync(join(dir, 'consent.title.en.ogg'), 'not audio');
    const answer = await fetch(new URL('models/voice-pack/consent.title.en.ogg', booth.host.url));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await answer.arrayBuffer()).equals(served)).toBe(true);
    expect((await fetch(new URL('models/voice-pack/consent.title.id.ogg', booth.host.url))).status).toBe(404);

    // The generated voice is served as a renderer file.
    const generated = await fetch(new URL(`voice/id/${voiceManifest.files['consent.title']!.id!.hash}.ogg`, booth.host.url));
    expect(generated.status).toBe(200);
    expect(generated.headers.get('content-type')).toBe('audio/ogg');
  });
});
