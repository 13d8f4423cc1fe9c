// A Vite plugin for the renderer build: ships the spoken guidance that
// `npm run voice` made (assets/voice, committed) as voice/<lang>/<hash>.ogg,
// every file the manifest names and nothing else. The booth never fetches or
// synthesises speech at run time.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import type { VoiceManifest } from '../src/renderer/speech/voiceManifest';

export function voiceAssets(root: string): Plugin {
  return {
    name: 'booth-voice-assets',
    apply: 'build',
    generateBundle() {
      const voiceDir = resolve(root, 'assets/voice');
      const manifest = JSON.parse(readFileSync(join(voiceDir, 'manifest.json'), 'utf8')) as VoiceManifest;
      for (const entry of Object.values(manifest.files))
        for (const [language, file] of Object.entries(entry)) {
          const name = `${language}/${file.hash}.ogg`;
          if (!existsSync(join(voiceDir, name))) this.error(`assets/voice/${name} is missing: run "npm run voice".`);
          this.emitFile({ type: 'asset', fileName: `voice/${name}`, source: readFileSync(join(voiceDir, name)) });
        }
    },
  };
}
