// The Electron shell's wiring, checked without the Electron binary: a small
// recording stand-in for the `electron` module takes the place of Electron
// only (the code under test, src/main/guard.ts and protocol.ts, runs as
// is). It shows the handlers land on the booth's own session, never on
// defaultSession, that every webContents gets the app-wide guard, and that
// app:// serves models/ from verified memory without touching the disk.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  function fakeSession(name: string) {
    return {
      name,
      permissionRequest: undefined as Listener | undefined,
      permissionCheck: undefined as Listener | undefined,
      devicePermission: undefined as Listener | undefined,
      beforeRequest: undefined as Listener | undefined,
      protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
      setPermissionRequestHandler(handler: Listener) {
        this.permissionRequest = handler;
      },
      setPermissionCheckHandler(handler: Listener) {
        this.permissionCheck = handler;
      },
      setDevicePermissionHandler(handler: Listener) {
        this.devicePermission = handler;
      },
      get webRequest() {
        return { onBeforeRequest: (handler: Listener) => (this.beforeRequest = handler) };
      },
      get protocol() {
        return { handle: (scheme: string, handler: (request: Request) => Promise<Response>) => this.protocolHandlers.set(scheme, handler) };
      },
    };
  }
  const appListeners = new Map<string, Listener>();
  const globalProtocolHandlers = new Map<string, unknown>();
  const diskFetches: string[] = [];
  return {
    fakeSession,
    appListeners,
    globalProtocolHandlers,
    diskFetches,
    defaultSession: fakeSession('default'),
    module: {
      app: { on: (event: string, listener: Listener) => appListeners.set(event, listener) },
      protocol: {
        handle: (scheme: string, handler: unknown) => globalProtocolHandlers.set(scheme, handler),
        registerSchemesAsPrivileged: () => undefined,
      },
      net: {
        fetch: async (url: string) => {
          diskFetches.push(url);
          return new Response('from disk', { status: 200, headers: { 'Content-Type': 'text/html' } });
        },
      },
    },
  };
});

vi.mock('electron', () => ({ ...electron.module, session: { defaultSession: electron.defaultSession } }));

const { guardAllWebContents, lockDownBoothSession } = await import('../../src/main/guard');
const { serveRenderer } = await import('../../src/main/protocol');

/** A webContents stand-in: records listeners and the window-open handler. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener = () => ({ action: 'allow' });
  return {
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return this;
    },
    setWindowOpenHandler(handler: Listener) {
      openHandler = handler;
    },
    /** Fires a navigation-like event; answers whether the guard prevented it. */
    fire(event: string, details: Record<string, unknown> = {}): boolean {
      let prevented = false;
      listeners.get(event)?.({ ...details, preventDefault: () => (prevented = true) });
      if (!listeners.has(event)) throw new Error(`no ${event} listener`);
      return prevented;
    },
    open: (url: string) => openHandler({ url }),
  };
}

type FakeContents = ReturnType<typeof fakeContents>;
const permission = (ses: ReturnType<typeof electron.fakeSession>, contents: unknown, url: string, mediaTypes?: string[]) =>
  new Promise<boolean>((resolve) => ses.permissionRequest?.(contents, 'media', resolve, { requestingUrl: url, mediaTypes }));

describe('Electron shell wiring (stand-in electron module)', () => {
  let booth: FakeContents;
  let other: FakeContents;
  const isBooth = (contents: unknown) => contents === booth;

  beforeEach(() => {
    booth = fakeContents();
    other = fakeContents();
  });

  it('guards every webContents: only the booth page navigates its main frame within app://booth', () => {
    guardAllWebContents(isBooth);
    const created = electron.appListeners.get('web-contents-created');
    expect(created).toBeDefined();
    created?.({}, booth);
    created?.({}, other);
    const home = 'app://booth/index.html';
    expect(booth.fire('will-navigate', { url: home, isMainFrame: true })).toBe(false);
    expect(booth.fire('will-navigate', { url: 'https://evil.example/', isMainFrame: true })).toBe(true);
    expect(booth.fire('will-frame-navigate', { url: home, isMainFrame: true })).toBe(false);
    expect(booth.fire('will-frame-navigate', { url: home, isMainFrame: false })).toBe(true);
    expect(booth.fire('will-redirect', { url: 'https://evil.example/', isMainFrame: true })).toBe(true);
    expect(booth.fire('will-attach-webview')).toBe(true);
    expect(booth.open(home)).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'])
      expect(other.fire(event, { url: home, isMainFrame: true }), event).toBe(true);
    expect(other.open(home)).toEqual({ action: 'deny' });
  });

  it('gives defaultSession no permission at all', async () => {
    guardAllWebContents(isBooth);
    expect(await permission(electron.defaultSession, booth, 'app://booth/index.html', ['video'])).toBe(false);
    expect(electron.defaultSession.permissionCheck?.(booth, 'media', 'app://booth', {})).toBe(false);
    expect(electron.defaultSession.devicePermission?.({})).toBe(false);
  });

  it('locks down the booth session itself: the camera for the booth page only, app:// and in-memory URLs only', async () => {
    const ses = electron.fakeSession('booth-kiosk');
    lockDownBoothSession(ses as never, isBooth);
    expect(await permission(ses, booth, 'app://booth/index.html', ['video'])).toBe(true);
    expect(await permission(ses, other, 'app://booth/index.html', ['video'])).toBe(false);
    expect(await permission(ses, booth, 'app://booth/index.html', ['audio'])).toBe(false);
    expect(ses.devicePermission?.({})).toBe(false);
    const cancelled = (url: string) =>
      new Promise((resolve) => ses.beforeRequest?.({ url }, (answer: { cancel: boolean }) => resolve(answer.cancel)));
    expect(await cancelled('https://odml.pa.googleapis.com/v1/log')).toBe(true);
    expect(await cancelled('app://booth/models/face_landmarker.task')).toBe(false);
  });

  it('serves app:// on the booth session, models/ in any spelling from verified memory, never from disk', async () => {
    const ses = electron.fakeSession('booth-kiosk');
    const verified = new Map([
      ['face_landmarker.task', new Uint8Array([1, 2, 3])],
      ['vision_wasm_internal.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d])],
    ]);
    serveRenderer(ses as never, '/renderer', verified);
    expect(electron.globalProtocolHandlers.size).toBe(0);
    const handle = ses.protocolHandlers.get('app');
    if (!handle) throw new Error('no app:// handler on the booth session');
    electron.diskFetches.length = 0;
    for (const path of ['models', 'Models', 'MODELS', 'models.', 'models%20', '%4Dodels']) {
      const response = await handle(new Request(`app://booth/${path}/face_landmarker.task`));
      expect(response.status, path).toBe(200);
      expect([...new Uint8Array(await response.arrayBuffer())], path).toEqual([1, 2, 3]);
    }
    const wasm = await handle(new Request('app://booth/Models/vision_wasm_internal.wasm'));
    expect(wasm.headers.get('Content-Type')).toBe('application/wasm');
    expect(wasm.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await handle(new Request('app://booth/MODELS/other.task'))).status).toBe(404);
    expect((await handle(new Request('app://booth/models::$DATA/face_landmarker.task'))).status).toBe(404);
    expect(electron.diskFetches).toEqual([]);
    const page = await handle(new Request('app://booth/index.html'));
    expect(await page.text()).toBe('from disk');
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
    expect(electron.diskFetches).toEqual(['file:///renderer/index.html']);
  });
});
