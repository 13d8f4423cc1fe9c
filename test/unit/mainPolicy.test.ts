// The Electron shell's decisions, tested without the Electron binary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowContentsAction,
  allowPermission,
  appUrlTarget,
  appUrlToRelativePath,
  BOOTH_PARTITION,
  isAllowedRequest,
  isAppUrl,
  isInMemoryPartition,
  isTrustedSender,
} from '../../src/main/policy';
import { judgeRendererPath, verifiedContentType } from '../../src/shared/security/verifiedPaths';

describe('Electron shell policy', () => {
  it('grants only the camera, only to the booth page', () => {
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://booth/index.html', mediaTypes: ['video'] })).toBe(true);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://booth/index.html', mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://booth/index.html', mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://booth/index.html' })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial']) {
      expect(allowPermission({ permission, requestingUrl: 'app://booth/index.html' })).toBe(false);
    }
  });

  it('recognises only app://booth as the booth', () => {
    expect(isAppUrl('app://booth/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isTrustedSender('app://booth/index.html', true)).toBe(true);
    expect(isTrustedSender('app://booth/index.html', false)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('maps app URLs to files inside the renderer folder only', () => {
    expect(appUrlToRelativePath('app://booth/')).toBe('index.html');
    expect(appUrlToRelativePath('app://booth/assets/index.js')).toBe('assets/index.js');
    expect(appUrlToRelativePath('app://booth/../../etc/passwd')).toBe('etc/passwd'); // URL parsing resolves the dots away
    expect(appUrlToRelativePath('app://booth/assets/%2e%2e/%2e%2e/secret')).toBe('secret'); // resolved, still inside
    expect(appUrlToRelativePath('app://booth/assets/%252e%252e/x')).toBe('assets/%2e%2e/x'); // decoded once: a plain name
    expect(appUrlToRelativePath('app://booth/a%5c..%5csecret')).toBeUndefined();
    expect(appUrlToRelativePath('app://booth/a%00b')).toBeUndefined();
    expect(appUrlToRelativePath('https://booth/index.html')).toBeUndefined();
  });

  it('never yields a path that climbs out, whatever the URL (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('..', '.', '%2e%2e', '%2E.', 'a', '%2f', '%5c', '%00', '~', 'index.html', ''), { maxLength: 8 }),
        (parts) => {
          const relative = appUrlToRelativePath(`app://booth/${parts.join('/')}`);
          if (relative !== undefined) {
            expect(relative.split('/')).not.toContain('..');
            expect(relative.startsWith('/')).toBe(false);
            expect(relative).not.toContain('\\');
          }
        },
      ),
    );
  });

  it('lets the window fetch only its own files and what the page makes in memory', () => {
    expect(isAllowedRequest('app://booth/models/face_landmarker.task')).toBe(true);
    expect(isAllowedRequest('blob:app://booth/1b2c')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    // MediaPipe's usage logging, a CDN, another app host:
    expect(isAllowedRequest('https://odml.pa.googleapis.com/v1/log')).toBe(false);
    expect(isAllowedRequest('https://cdn.jsdelivr.net/npm/@mediapipe/tasks-vision/wasm')).toBe(false);
    expect(isAllowedRequest('app://evil/index.html')).toBe(false);
    expect(isAllowedRequest('file:///etc/passwd')).toBe(false);
  });

  it('keeps the booth window on an in-memory partition', () => {
    expect(isInMemoryPartition(BOOTH_PARTITION)).toBe(true);
    expect(isInMemoryPartition('persist:booth')).toBe(false);
    expect(isInMemoryPartition('')).toBe(false); // '' is the default session, which lives on disk
  });

  it('lets only the booth page navigate its main frame within app://booth, and nothing open windows or webviews', () => {
    const booth = 'app://booth/index.html';
    expect(allowContentsAction({ kind: 'navigate', url: booth, isMainFrame: true }, true)).toBe(true);
    expect(allowContentsAction({ kind: 'redirect', url: booth, isMainFrame: true }, true)).toBe(true);
    // Subframes (an injected iframe), other origins, other webContents: no.
    expect(allowContentsAction({ kind: 'navigate', url: booth, isMainFrame: false }, true)).toBe(false);
    expect(allowContentsAction({ kind: 'navigate', url: 'https://evil.example/', isMainFrame: true }, true)).toBe(false);
    expect(allowContentsAction({ kind: 'navigate', url: 'file:///etc/passwd', isMainFrame: true }, true)).toBe(false);
    expect(allowContentsAction({ kind: 'redirect', url: 'https://evil.example/', isMainFrame: true }, true)).toBe(false);
    expect(allowContentsAction({ kind: 'navigate', url: booth, isMainFrame: true }, false)).toBe(false);
    for (const isBooth of [true, false]) {
      expect(allowContentsAction({ kind: 'window-open', url: booth }, isBooth)).toBe(false);
      expect(allowContentsAction({ kind: 'attach-webview' }, isBooth)).toBe(false);
    }
    // The camera: for the booth page in the booth window only.
    const camera = { permission: 'media', requestingUrl: booth, mediaTypes: ['video'] };
    expect(allowContentsAction({ kind: 'permission', ask: camera }, true)).toBe(true);
    expect(allowContentsAction({ kind: 'permission', ask: camera }, false)).toBe(false);
    expect(allowContentsAction({ kind: 'permission', ask: { permission: 'geolocation', requestingUrl: booth } }, true)).toBe(false);
  });

  it('routes every case, dot, space and encoded variant of models/ to verified memory or to nothing, never to disk', () => {
    for (const url of [
      'app://booth/models/face_landmarker.task',
      'app://booth/Models/face_landmarker.task',
      'app://booth/MODELS/face_landmarker.task',
      'app://booth/mOdElS/face_landmarker.task',
      'app://booth/models./face_landmarker.task',
      'app://booth/models%20/face_landmarker.task',
      'app://booth/models.%20./face_landmarker.task',
      'app://booth/%4Dodels/face_landmarker.task',
      'app://booth/models%2Fface_landmarker.task',
      'app://booth/assets/../Models/face_landmarker.task',
      'app://booth//MODELS//face_landmarker.task',
      'app://booth/model%C5%BF/face_landmarker.task',
    ]) {
      expect(appUrlTarget(url), url).toEqual({ kind: 'memory', file: 'face_landmarker.task' });
    }
    for (const url of [
      'app://booth/%254Dodels/face_landmarker.task',
      'app://booth/models::$INDEX_ALLOCATION/face_landmarker.task',
      'app://booth/assets/Models/x.task',
      'app://booth/models%5cface_landmarker.task',
      'app://booth/c:/models/x',
    ]) {
      expect(appUrlTarget(url).kind, url).toBe('refused');
    }
    // The file name itself is exact: a case variant is simply not a verified file.
    expect(appUrlTarget('app://booth/models/FACE_LANDMARKER.TASK')).toEqual({ kind: 'memory', file: 'FACE_LANDMARKER.TASK' });
    expect(appUrlTarget('app://booth/assets/index-abc.js')).toEqual({ kind: 'disk', relative: 'assets/index-abc.js' });
    expect(appUrlTarget('app://booth/')).toEqual({ kind: 'disk', relative: 'index.html' });
    expect(appUrlTarget('app://booth/modelsx/a.js')).toEqual({ kind: 'disk', relative: 'modelsx/a.js' });
  });

  it('judges host paths the same way, with backslashes as separators', () => {
    expect(judgeRendererPath('/Models\\face_landmarker.task')).toEqual({ kind: 'memory', file: 'face_landmarker.task' });
    expect(judgeRendererPath('\\MODELS. \\vision_wasm_internal.wasm')).toEqual({ kind: 'memory', file: 'vision_wasm_internal.wasm' });
    expect(judgeRendererPath('/index.html')).toEqual({ kind: 'disk' });
    expect(judgeRendererPath('/a\0b')).toEqual({ kind: 'refused' });
    expect(verifiedContentType('vision_wasm_internal.js')).toBe('text/javascript; charset=utf-8');
    expect(verifiedContentType('vision_wasm_internal.wasm')).toBe('application/wasm');
    expect(verifiedContentType('warmup-face.jpg')).toBe('image/jpeg');
    expect(verifiedContentType('face_landmarker.task')).toBe('application/octet-stream');
  });
});
