// The content hash that names each generated voice file: everything that
// shapes the audio goes in, so a changed message, voice, speed, synthesiser
// version or encoding gives a new name, and a stale file is never reused.
import { createHash } from 'node:crypto';

export interface VoiceRecipe {
  text: string;
  voice: string;
  speed: number;
  engine: string;
  encoding: string;
}

/** 16 hex digits (64 bits) of the SHA-256 of the recipe: unique enough for a few hundred files, short enough for a file name. */
export function voiceCacheKey(recipe: VoiceRecipe): string {
  const { text, voice, speed, engine, encoding } = recipe;
  return createHash('sha256').update(JSON.stringify({ text, voice, speed, engine, encoding })).digest('hex').slice(0, 16);
}
