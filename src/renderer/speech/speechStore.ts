// The spoken guidance's settings on this page: the volume the citizen chose
// (back to the booth's default for every new session: Section 508 §402.3.1)
// and which keys the deployment's voice pack replaces.
import { create } from 'zustand';

/** One step of the louder/softer buttons. */
export const VOLUME_STEP = 0.2;
/** Never fully silent from the buttons: a citizen who pressed "softer" too often can still hear the way back. */
export const MIN_VOLUME = 0.2;

export interface SpeechSettings {
  volume: number;
  defaultVolume: number;
  /** Voice pack file names ("<key>.<lang>.<ext>") the shell serves; they replace the generated audio. */
  voicePack: ReadonlySet<string>;
  louder(): void;
  softer(): void;
  /** A new session: the default volume again. */
  resetVolume(): void;
  configure(settings: { defaultVolume: number; voicePack: readonly string[] }): void;
}

const clamp = (volume: number) => Math.round(Math.min(1, Math.max(MIN_VOLUME, volume)) * 100) / 100;

export const useSpeechSettings = create<SpeechSettings>()((set) => ({
  volume: 0.8,
  defaultVolume: 0.8,
  voicePack: new Set(),
  louder: () => set((state) => ({ volume: clamp(state.volume + VOLUME_STEP) })),
  softer: () => set((state) => ({ volume: clamp(state.volume - VOLUME_STEP) })),
  resetVolume: () => set((state) => ({ volume: state.defaultVolume })),
  configure: ({ defaultVolume, voicePack }) =>
    set((state) => ({
      defaultVolume,
      // Before any session the default applies at once; during one the citizen's choice stays.
      volume: state.volume === state.defaultVolume ? defaultVolume : state.volume,
      voicePack: new Set(voicePack),
    })),
}));
