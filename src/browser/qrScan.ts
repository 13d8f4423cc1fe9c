// Reads QR codes from a camera in a web page (the booth's screen, the
// officer's phone): a few frames a second are drawn to a canvas and given to
// ZXing-C++ compiled to WebAssembly (zxing-wasm). Its .wasm is bundled with
// the page and served from the page's own origin: the library's default
// would fetch it from a CDN. The same text is reported once every few
// seconds, so a code held still is not sent again and again.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

const SCANS_PER_SECOND = 4;
const SAME_CODE_AGAIN_MS = 4_000;

let prepared = false;
function prepare(): void {
  if (prepared) return;
  prepared = true;
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, document.baseURI).href : prefix + path),
    },
  });
}

export interface QrScan {
  stop(): void;
}

/**
 * Plays the stream `open` gives into `video` and reports each QR code's text (`onText`), or why the camera or the decoder
 * cannot run (`onProblem`). Stopping ends the stream.
 */
export function startQrScan(
  video: HTMLVideoElement,
  open: () => Promise<MediaStream>,
  handlers: { onText(text: string): void; onProblem(error: unknown): void },
): QrScan {
  prepare();
  let stream: MediaStream | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const seen = new Map<string, number>();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });

  const scan = async () => {
    if (stopped) return;
    try {
      if (context && video.videoWidth > 0) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
        const now = Date.now();
        for (const result of results) {
          if (!result.isValid || stopped || now - (seen.get(result.text) ?? 0) < SAME_CODE_AGAIN_MS) continue;
          seen.set(result.text, now);
          handlers.onText(result.text);
        }
      }
    } catch (error) {
      handlers.onProblem(error);
    }
    if (!stopped) timer = setTimeout(() => void scan(), 1000 / SCANS_PER_SECOND);
  };

  void open().then(
    async (opened) => {
      if (stopped) return opened.getTracks().forEach((track) => track.stop());
      stream = opened;
      video.srcObject = opened;
      await video.play().catch(() => undefined);
      void scan();
    },
    (error: unknown) => handlers.onProblem(error),
  );

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
      video.srcObject = null;
    },
  };
}
