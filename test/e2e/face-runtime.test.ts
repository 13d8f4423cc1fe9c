// In real Chromium, the booth page loads the MediaPipe runtime the way
// tasks-vision's FilesetResolver does (a crossorigin <script> for the loader,
// streaming compilation for the wasm), from the verified bytes the host
// serves out of memory under models/: the CSP, `nosniff` and the content
// types all let it through, and a fetch of a case variant of the folder gets
// the same verified bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBooth, type ComposedBooth } from '../../src/core/booth/compose';
import { modelManifest } from '../../src/core/face/models';
import { startHost, type RunningHost } from '../../src/host/server';
import { inProcessCore } from '../../src/core/process';
import { openBrowser, type BrowserSession } from '../support/browser';
import { rendererDir } from '../support/host';

describe('the MediaPipe runtime served from verified memory', () => {
  let composed: ComposedBooth;
  let host: RunningHost;
  let browser: BrowserSession;

  beforeAll(async () => {
    composed = await composeBooth({
      config: { devices: { card: { driver: 'none' } } },
      version: 't',
      rendererDir,
      logDestination: { write: () => undefined },
    });
    host = await startHost({ core: inProcessCore(composed.booth), logger: composed.logger, rendererDir, port: 0, bind: '127.0.0.1' });
    browser = await openBrowser({ width: 400, height: 300 });
    await browser.page.goto(`${host.origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await composed?.booth.dispose();
    await host?.close();
  });

  it('runs the loader script and compiles the wasm under the booth CSP', async () => {
    expect(composed.booth.faceModelFiles.has('vision_wasm_internal.wasm')).toBe(true);
    const result = await browser.page.evaluate(async () => {
      const script = document.createElement('script');
      script.src = '/models/vision_wasm_internal.js';
      script.crossOrigin = 'anonymous';
      const loaded = await new Promise<string>((resolve) => {
        script.addEventListener('load', () => resolve('loaded'));
        script.addEventListener('error', () => resolve('error'));
        document.body.appendChild(script);
      });
      const factory = typeof (globalThis as { ModuleFactory?: unknown }).ModuleFactory;
      let compiled = 'no';
      try {
        const module = await WebAssembly.compileStreaming(fetch('/models/vision_wasm_internal.wasm'));
        compiled = WebAssembly.Module.exports(module).length > 0 ? 'yes' : 'empty';
      } catch (error) {
        compiled = String(error);
      }
      const variant = new Uint8Array(await (await fetch('/MODELS/vision_wasm_internal.js')).arrayBuffer());
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', variant)), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');
      return { loaded, factory, compiled, digest };
    });
    expect(result).toEqual({
      loaded: 'loaded',
      factory: 'function',
      compiled: 'yes',
      digest: modelManifest.files.find((f) => f.name === 'vision_wasm_internal.js')?.sha256,
    });
  });
});
