// The Electron shell's decisions, tested without the Electron binary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowPermission, appUrlToRelativePath, isAllowedRequest, isAppUrl, isTrustedSender } from '../../src/main/policy';

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
      fc.property(fc.array(fc.constantFrom('..', '.', '%2e%2e', '%2E.', 'a', '%2f', '%5c', '%00', '~', 'index.html', ''), { maxLength: 8 }), (parts) => {
        const relative = appUrlToRelativePath(`app://booth/${parts.join('/')}`);
        if (relative !== undefined) {
          expect(relative.split('/')).not.toContain('..');
          expect(relative.startsWith('/')).toBe(false);
          expect(relative).not.toContain('\\');
        }
      }),
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
});
