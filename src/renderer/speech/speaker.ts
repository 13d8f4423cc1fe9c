// The page's one voice: a single <audio> element that says a queue of
// catalogue keys, so speech never overlaps itself. A screen's own words go
// first; a face prompt waits for them, and a newer prompt replaces an older
// one. Short tones (WebAudio, no files) mark the idle warning and each face
// action. The element carries data attributes the e2e tests read.
import type { Language } from '../../shared/journey/machine';
import type { MessageKey } from '../i18n';
import { useSpeechSettings } from './speechStore';
import { generatedVoiceUrl, voiceManifest, voicePackUrl } from './voiceManifest';

export interface SpeechItem {
  key: MessageKey;
  language: Language;
}

/** A screen's words (said whole) or a prompt (replaced by the next prompt). */
export type SpeechKind = 'screen' | 'prompt';

export type ToneKind = 'idle' | 'action';

/** Frequencies (Hz) of each tone's beeps, 180 ms each: two rising for "are you still there?", one for "do this now". */
const tones: Record<ToneKind, readonly number[]> = { idle: [660, 880], action: [990] };
const BEEP_SEC = 0.18;

/** The URL for a key in a language: the voice pack's recording if it has one, else the generated file (null: no audio). */
export function speechUrl(item: SpeechItem, voicePack: ReadonlySet<string>): string | null {
  for (const extension of ['ogg', 'wav']) {
    const name = `${item.key}.${item.language}.${extension}`;
    if (voicePack.has(name)) return voicePackUrl(name);
  }
  const file = voiceManifest.files[item.key]?.[item.language];
  return file ? generatedVoiceUrl(item.language, file.hash) : null;
}

class Speaker {
  #audio: HTMLAudioElement | null = null;
  #queue: Array<SpeechItem & { kind: SpeechKind }> = [];
  #current: (SpeechItem & { kind: SpeechKind }) | null = null;
  #tones: AudioContext | null = null;

  constructor() {
    useSpeechSettings.subscribe((state) => {
      if (this.#audio) this.#audio.volume = state.volume;
    });
  }

  /** Says `items` in order: a screen's words replace everything; prompts wait for a screen's words and replace older prompts. */
  say(items: readonly SpeechItem[], kind: SpeechKind): void {
    const tagged = items.map((item) => ({ ...item, kind }));
    if (kind === 'screen') {
      this.#queue = tagged;
      this.#next();
      return;
    }
    this.#queue = [...this.#queue.filter((item) => item.kind === 'screen'), ...tagged];
    if (!this.#current || this.#current.kind === 'prompt') this.#next();
  }

  /** True while `items` are being said or wait their turn (a screen drawn again need not start over). */
  saying(items: readonly SpeechItem[]): boolean {
    const pending = [this.#current, ...this.#queue].filter((item) => item !== null);
    return items.length > 0 && items.every((item) => pending.some((other) => other.key === item.key && other.language === item.language));
  }

  stop(): void {
    this.#queue = [];
    this.#current = null;
    const audio = this.#audio;
    if (!audio) return;
    audio.pause();
    audio.removeAttribute('src');
    audio.dataset['key'] = '';
    audio.load();
  }

  tone(kind: ToneKind): void {
    const audio = this.#element();
    audio.dataset['tones'] = String(Number(audio.dataset['tones'] ?? 0) + 1);
    audio.dataset['lastTone'] = kind;
    try {
      this.#tones ??= new AudioContext();
      const context = this.#tones;
      void context.resume();
      tones[kind].forEach((frequency, index) => {
        const start = context.currentTime + index * BEEP_SEC * 1.2;
        const oscillator = new OscillatorNode(context, { type: 'sine', frequency });
        const gain = new GainNode(context, { gain: 0 });
        // A short ramp in and out: a click-free beep.
        gain.gain.linearRampToValueAtTime(0.4 * useSpeechSettings.getState().volume, start + 0.02);
        gain.gain.linearRampToValueAtTime(0, start + BEEP_SEC);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(start);
        oscillator.stop(start + BEEP_SEC);
      });
    } catch (error) {
      // No audio output on this machine: the words on screen still say it.
      console.warn('tone failed:', error);
    }
  }

  #next(): void {
    const audio = this.#element();
    const item = this.#queue.shift() ?? null;
    this.#current = item;
    if (!item) return;
    const url = speechUrl(item, useSpeechSettings.getState().voicePack);
    if (!url) {
      console.warn(`no audio for ${item.key} (${item.language})`);
      this.#next();
      return;
    }
    audio.src = url;
    audio.volume = useSpeechSettings.getState().volume;
    audio.dataset['key'] = item.key;
    audio.dataset['language'] = item.language;
    // The last few keys said, newest last: what a test (or a technician in devtools) can check was heard.
    audio.dataset['said'] = [...(audio.dataset['said'] ?? '').split(' ').filter(Boolean).slice(-15), item.key].join(' ');
    audio.dataset['requests'] = String(Number(audio.dataset['requests'] ?? 0) + 1);
    audio.play().catch((error: unknown) => {
      // A play() cut short by the next item is not a problem; a refused one (autoplay policy, no output) is logged.
      if ((error as DOMException).name !== 'AbortError') console.warn(`speech of ${item.key} did not play:`, error);
    });
  }

  #element(): HTMLAudioElement {
    if (this.#audio) return this.#audio;
    const audio = document.createElement('audio');
    audio.dataset['testid'] = 'speech-audio';
    audio.hidden = true;
    audio.addEventListener('playing', () => {
      audio.dataset['plays'] = String(Number(audio.dataset['plays'] ?? 0) + 1);
    });
    audio.addEventListener('ended', () => this.#next());
    audio.addEventListener('error', () => {
      if (audio.getAttribute('src')) {
        console.warn(`speech file ${audio.src} could not be played`);
        this.#next();
      }
    });
    document.body.append(audio);
    this.#audio = audio;
    return audio;
  }
}

/** The page's speaker (one voice for the whole page). */
export const speaker = new Speaker();
