// The fake-camera face videos, checked two ways. From the files alone (no
// model): luma, frame-to-frame change, loop length. Through the real
// pipeline: Debian's Chromium plays each video as its camera, the page runs
// MediaPipe FaceLandmarker (tasks-vision, CPU) on every frame, and the
// booth's measures are computed from the 478 landmarks. The landmark part
// needs models/face_landmarker.task (`npm run models`) and is skipped without
// it. Measures (pixels; x, z scaled by the width, y by the height):
//   openness = mean(|p159−p145| / |p33−p133|, |p386−p374| / |p362−p263|)
//   r        = (p1.x − p234.x) / (p454.x − p234.x), 0.5 frontal; > 0.5 is a
//              turn to the citizen's own left (nose towards the image's right)
//   yaw3d    = atan2(p454.z − p234.z, p454.x − p234.x)
//   roll     = angle of p33 → p263
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVENESS_FRAMES } from '../../scripts/face-videos/liveness';
import { openBrowser } from '../support/browser';
import { ensureFaceVideos, fakeCameraArgs, type VideoName } from '../support/fakeCamera';
import { startStaticServer, type StaticServer } from '../support/staticServer';

const root = resolve(import.meta.dirname, '../..');
const MODEL = resolve(root, 'models/face_landmarker.task');
const W = 640;
const H = 480;

let videos: Record<VideoName, string>;

beforeAll(async () => {
  videos = await ensureFaceVideos();
}, 180_000);

// ---- From the files: Y4M frames, luma in full range as a canvas would show it.

interface Y4m {
  frames: Uint8Array[];
}

function readY4m(path: string): Y4m {
  const bytes = readFileSync(path);
  const headerEnd = bytes.indexOf(0x0a);
  const header = bytes.subarray(0, headerEnd).toString('latin1');
  expect(header).toMatch(new RegExp(`^YUV4MPEG2 W${W} H${H} F15:1 .*C420`));
  const frameBytes = (W * H * 3) / 2;
  const frames: Uint8Array[] = [];
  for (let at = headerEnd + 1; at < bytes.length;) {
    const tagEnd = bytes.indexOf(0x0a, at);
    expect(bytes.subarray(at, at + 5).toString('latin1')).toBe('FRAME');
    frames.push(bytes.subarray(tagEnd + 1, tagEnd + 1 + frameBytes));
    at = tagEnd + 1 + frameBytes;
  }
  return { frames };
}

/** Mean and 5th–95th percentile spread of the luma plane, mapped from video range (16–235) to 0–255. */
function lumaStats(frame: Uint8Array): { mean: number; spread: number } {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < W * H; i++) histogram[Math.max(0, Math.min(255, Math.round(((frame[i]! - 16) * 255) / 219)))]!++;
  let sum = 0;
  let seen = 0;
  let p5 = -1;
  let p95 = -1;
  for (let v = 0; v < 256; v++) {
    sum += v * histogram[v]!;
    seen += histogram[v]!;
    if (p5 < 0 && seen >= 0.05 * W * H) p5 = v;
    if (p95 < 0 && seen >= 0.95 * W * H) p95 = v;
  }
  return { mean: sum / (W * H), spread: p95 - p5 };
}

function identical(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

describe('face videos: files', () => {
  it('are 640×480 15 fps yuv420p Y4M of the planned lengths', () => {
    for (const name of Object.keys(videos) as VideoName[]) {
      expect(readY4m(videos[name]).frames.length, name).toBe(name === 'liveness' ? LIVENESS_FRAMES : 45);
    }
  });

  it('still repeats one frame; every other video moves from frame to frame', () => {
    for (const name of Object.keys(videos) as VideoName[]) {
      const { frames } = readY4m(videos[name]);
      const same = frames.slice(1).filter((frame, i) => identical(frame, frames[i]!)).length;
      if (name === 'still') expect(same, name).toBe(frames.length - 1);
      else expect(same, name).toBe(0);
    }
  });

  it('tooDark is dim and flat; the others are lit normally', () => {
    for (const name of Object.keys(videos) as VideoName[]) {
      const stats = lumaStats(readY4m(videos[name]).frames[0]!);
      if (name === 'tooDark') {
        expect(stats.mean).toBeGreaterThanOrEqual(25);
        expect(stats.mean).toBeLessThanOrEqual(35);
        expect(stats.spread).toBeLessThan(40);
      } else {
        expect(stats.mean, name).toBeGreaterThan(90);
      }
    }
  });

  it('a second run reuses the videos (stamp) and gives the same paths', async () => {
    const started = performance.now();
    expect(await ensureFaceVideos()).toEqual(videos);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

// ---- Through Chromium's fake camera and FaceLandmarker.

/** Landmarks the measures read, returned per face per frame (normalized x, y, z). */
const POINTS = [1, 10, 33, 133, 145, 152, 159, 234, 263, 362, 374, 386, 454];

interface FaceOut {
  /** Normalized landmark box over all 478 points: x0, y0, x1, y1. */
  box: [number, number, number, number];
  pts: Record<number, [number, number, number]>;
}
interface FrameOut {
  t: number;
  luma: number;
  /** Mean absolute RGB difference from the previous frame. */
  diff: number;
  /** Largest move of any of the 478 points of face 0 since the previous frame, px (−1 if not comparable). */
  move: number;
  faces: FaceOut[];
}

const probeScript = `
const POINTS = ${JSON.stringify(POINTS)};
window.runProbe = async (count) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: ${W}, height: ${H} } });
  const track = stream.getVideoTracks()[0];
  // Every camera frame, copied out as it arrives; the model runs afterwards, so slow inference drops nothing.
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  const canvas = new OffscreenCanvas(${W}, ${H});
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const frames = [];
  while (frames.length < count) {
    const { value } = await reader.read();
    ctx.drawImage(value, 0, 0, ${W}, ${H});
    frames.push({ t: value.timestamp / 1000, image: ctx.getImageData(0, 0, ${W}, ${H}) });
    value.close();
  }
  track.stop();
  const vision = await import('/tasks/vision_bundle.mjs');
  const fileset = await vision.FilesetResolver.forVisionTasks('/tasks/wasm');
  const landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: '/models/face_landmarker.task', delegate: 'CPU' },
    runningMode: 'VIDEO', numFaces: 2, outputFaceBlendshapes: false,
  });
  const out = [];
  let last = 0;
  let previous = null;
  for (let i = 0; i < frames.length; i++) {
    const { t, image } = frames[i];
    const d = image.data;
    const p = i > 0 ? frames[i - 1].image.data : null;
    let luma = 0, diff = 0;
    for (let k = 0; k < d.length; k += 4) {
      luma += 0.299 * d[k] + 0.587 * d[k + 1] + 0.114 * d[k + 2];
      if (p) diff += Math.abs(d[k] - p[k]) + Math.abs(d[k + 1] - p[k + 1]) + Math.abs(d[k + 2] - p[k + 2]);
    }
    last = Math.max(last + 1, Math.round(t));
    const result = landmarker.detectForVideo(image, last);
    const marks = result.faceLandmarks;
    let move = -1;
    if (previous && marks.length === 1) {
      move = 0;
      for (let k = 0; k < marks[0].length; k++) move = Math.max(move, Math.hypot((marks[0][k].x - previous[k].x) * ${W}, (marks[0][k].y - previous[k].y) * ${H}));
    }
    previous = marks.length === 1 ? marks[0] : null;
    out.push({
      t, luma: luma / (d.length / 4), diff: diff / (d.length / 4 * 3), move,
      faces: marks.map((face) => {
        let x0 = 1, y0 = 1, x1 = 0, y1 = 0;
        for (const q of face) { x0 = Math.min(x0, q.x); y0 = Math.min(y0, q.y); x1 = Math.max(x1, q.x); y1 = Math.max(y1, q.y); }
        return { box: [x0, y0, x1, y1], pts: Object.fromEntries(POINTS.map((k) => [k, [face[k].x, face[k].y, face[k].z]])) };
      }),
    });
  }
  landmarker.close();
  return out;
};
`;

const page = `<!doctype html><meta charset="utf-8"><title>face-video probe</title><script type="module" src="/probe.js"></script>`;

/** Only these folders are served: the tasks-vision bundle with its wasm, and the model. */
function startServer(): Promise<StaticServer> {
  return startStaticServer({
    pages: { '/': { type: 'text/html', body: page }, '/probe.js': { type: 'text/javascript', body: probeScript } },
    mounts: { '/tasks/': resolve(root, 'node_modules/@mediapipe/tasks-vision'), '/models/': resolve(root, 'models') },
  });
}

async function probe(server: StaticServer, name: VideoName, count: number): Promise<FrameOut[]> {
  const { origin } = server;
  const session = await openBrowser({ width: 800, height: 600 }, fakeCameraArgs(videos[name]));
  try {
    // tasks-vision reports usage to a Google endpoint: nothing leaves this machine.
    await session.context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    await session.page.goto(`${origin}/`);
    await session.page.waitForFunction('typeof window.runProbe === "function"');
    return (await session.page.evaluate(`window.runProbe(${count})`)) as FrameOut[];
  } finally {
    await session.close();
  }
}

interface Measures {
  openness: number;
  r: number;
  yaw3d: number;
  roll: number;
  height: number;
  centreX: number;
  interEye: number;
}

function measure(face: FaceOut): Measures {
  const p = (k: number) => face.pts[k]!;
  const dist = (a: number, b: number) => Math.hypot((p(a)[0] - p(b)[0]) * W, (p(a)[1] - p(b)[1]) * H);
  const eyeCentre = (a: number, b: number) => [((p(a)[0] + p(b)[0]) / 2) * W, ((p(a)[1] + p(b)[1]) / 2) * H] as const;
  const right = eyeCentre(33, 133);
  const left = eyeCentre(263, 362);
  return {
    openness: (dist(159, 145) / dist(33, 133) + dist(386, 374) / dist(362, 263)) / 2,
    r: (p(1)[0] - p(234)[0]) / (p(454)[0] - p(234)[0]),
    yaw3d: (Math.atan2((p(454)[2] - p(234)[2]) * W, (p(454)[0] - p(234)[0]) * W) * 180) / Math.PI,
    roll: (Math.atan2((p(263)[1] - p(33)[1]) * H, (p(263)[0] - p(33)[0]) * W) * 180) / Math.PI,
    height: face.box[3] - face.box[1],
    centreX: (face.box[0] + face.box[2]) / 2,
    interEye: Math.hypot(left[0] - right[0], left[1] - right[1]),
  };
}

const share = (frames: FrameOut[], test: (f: FrameOut) => boolean) => frames.filter(test).length / frames.length;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const oneFace = (frames: FrameOut[]) => frames.filter((f) => f.faces.length === 1).map((f) => measure(f.faces[0]!));
const fmt = (v: number, d = 3) => v.toFixed(d);

function summary(name: string, frames: FrameOut[]): string {
  const ms = oneFace(frames);
  const faces = frames.map((f) => f.faces.length).join('');
  const base = `${name}: ${frames.length} frames, faces per frame ${faces.replace(/(.)\1*/g, (run) => `${run[0]}×${run.length} `).trim()}, luma ${fmt(mean(frames.map((f) => f.luma)), 1)}`;
  if (ms.length === 0) return base;
  const avg = (k: keyof Measures) => mean(ms.map((m) => m[k]));
  return `${base}; openness ${fmt(avg('openness'))}, r ${fmt(avg('r'))}, yaw3d ${fmt(avg('yaw3d'), 1)}°, roll ${fmt(avg('roll'), 1)}°, height ${fmt(avg('height'))}, centreX ${fmt(avg('centreX'))}, inter-eye ${fmt(avg('interEye'), 1)} px`;
}

describe.skipIf(!existsSync(MODEL))('face videos: FaceLandmarker through the fake camera', () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const CLIP = 45;

  it('good: one large, centred, frontal face with open eyes, moving slightly', async () => {
    const frames = await probe(server, 'good', CLIP);
    console.log(summary('good', frames));
    expect(share(frames, (f) => f.faces.length === 1)).toBe(1);
    for (const m of oneFace(frames)) {
      expect(m.openness).toBeGreaterThan(0.25);
      expect(Math.abs(m.r - 0.5)).toBeLessThan(0.08);
      expect(Math.abs(m.roll)).toBeLessThan(5);
      expect(m.height).toBeGreaterThan(0.45);
      expect(m.height).toBeLessThan(0.55);
      expect(m.interEye).toBeGreaterThanOrEqual(85);
      expect(Math.abs(m.centreX - 0.5)).toBeLessThan(0.05);
    }
    // Not a photo: the landmarks move between most frames.
    expect(share(frames.slice(1), (f) => f.diff > 0)).toBeGreaterThan(0.9);
    const moves = frames.slice(1).map((f) => f.move);
    console.log(`good: landmark move per frame ${fmt(Math.min(...moves), 2)}…${fmt(Math.max(...moves), 2)} px`);
    expect(share(frames.slice(1), (f) => f.move > 0.05)).toBeGreaterThan(0.8);
  }, 90_000);

  it('still: the good face, identical frames, landmarks that do not move', async () => {
    const frames = await probe(server, 'still', CLIP);
    console.log(summary('still', frames));
    expect(share(frames, (f) => f.faces.length === 1)).toBe(1);
    for (const m of oneFace(frames)) {
      expect(m.openness).toBeGreaterThan(0.25);
      expect(Math.abs(m.r - 0.5)).toBeLessThan(0.08);
    }
    expect(frames.slice(1).every((f) => f.diff === 0)).toBe(true);
    // The tracker settles within a few frames, then stands still.
    const moves = frames.slice(5).map((f) => f.move);
    console.log(
      `still: largest landmark move from frame 1 on ${fmt(Math.max(...frames.slice(1).map((f) => f.move)), 4)} px, from frame 5 on ${fmt(Math.max(...moves), 4)} px`,
    );
    expect(Math.max(...moves)).toBeLessThan(0.01);
  }, 90_000);

  it('noFace: no face in ≥ 90 % of frames', async () => {
    const frames = await probe(server, 'noFace', CLIP);
    console.log(summary('noFace', frames));
    expect(share(frames, (f) => f.faces.length === 0)).toBeGreaterThanOrEqual(0.9);
  }, 90_000);

  it('twoFaces: two reasonably large faces in most frames', async () => {
    const frames = await probe(server, 'twoFaces', CLIP);
    const two = frames.filter((f) => f.faces.length === 2);
    const heights = two.flatMap((f) => f.faces.map((face) => face.box[3] - face.box[1]));
    console.log(`${summary('twoFaces', frames)}; face heights ${fmt(Math.min(...heights))}…${fmt(Math.max(...heights))}`);
    expect(two.length / frames.length).toBeGreaterThan(0.8);
    for (const f of two) for (const face of f.faces) expect(face.box[3] - face.box[1]).toBeGreaterThan(0.3);
  }, 90_000);

  it('tooSmall: one face, well under the booth minimum height (0.34)', async () => {
    const frames = await probe(server, 'tooSmall', CLIP);
    console.log(summary('tooSmall', frames));
    expect(share(frames, (f) => f.faces.length === 1)).toBeGreaterThan(0.9);
    for (const m of oneFace(frames)) {
      expect(m.height).toBeLessThan(0.22);
      expect(m.interEye).toBeLessThan(40);
    }
  }, 90_000);

  it('tooDark: mean luma 25–35, the face still found', async () => {
    const frames = await probe(server, 'tooDark', CLIP);
    console.log(summary('tooDark', frames));
    for (const f of frames) {
      expect(f.luma).toBeGreaterThanOrEqual(25);
      expect(f.luma).toBeLessThanOrEqual(35);
    }
    expect(share(frames, (f) => f.faces.length === 1)).toBeGreaterThan(0.9);
  }, 90_000);

  it('offCentre: one whole face ~18 % from the left edge', async () => {
    const frames = await probe(server, 'offCentre', CLIP);
    console.log(summary('offCentre', frames));
    expect(share(frames, (f) => f.faces.length === 1)).toBe(1);
    for (const f of frames) {
      const m = measure(f.faces[0]!);
      expect(m.centreX).toBeGreaterThan(0.12);
      expect(m.centreX).toBeLessThan(0.24);
      expect(f.faces[0]!.box[0]).toBeGreaterThan(0);
    }
  }, 90_000);

  it('liveness: one loop holds blink → turn left → turn right, with frontal frames between', async () => {
    // One loop plus a margin; any LIVENESS_FRAMES consecutive frames cover every phase once.
    const frames = await probe(server, 'liveness', LIVENESS_FRAMES + 8);
    const loop = frames.slice(0, LIVENESS_FRAMES);
    expect(share(loop, (f) => f.faces.length === 1)).toBe(1);
    const ms = loop.map((f) => measure(f.faces[0]!));
    // F frontal and open, B eyes shut, L citizen's left (nose to the image's right), R citizen's right, '.' in between.
    const kinds = ms
      .map((m) =>
        m.openness < 0.12 ? 'B' : m.r > 0.65 ? 'L' : m.r < 0.35 ? 'R' : Math.abs(m.r - 0.5) < 0.08 && m.openness > 0.25 ? 'F' : '.',
      )
      .join('');
    console.log(`liveness: ${kinds}`);
    const pick = (kind: string) => ms.filter((_, i) => kinds[i] === kind);
    const stat = (values: number[], d = 3) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `median ${fmt(sorted[Math.floor(sorted.length / 2)]!, d)} (${fmt(sorted[0]!, d)}…${fmt(sorted[sorted.length - 1]!, d)}, ${values.length} frames)`;
    };
    console.log(
      [
        `liveness frontal: openness ${stat(pick('F').map((m) => m.openness))}, r ${stat(pick('F').map((m) => m.r))}, yaw3d ${stat(
          pick('F').map((m) => m.yaw3d),
          1,
        )}°`,
        `liveness blink: openness ${stat(pick('B').map((m) => m.openness))}`,
        `liveness left: r ${stat(pick('L').map((m) => m.r))}, yaw3d ${stat(
          pick('L').map((m) => m.yaw3d),
          1,
        )}°, openness ${stat(pick('L').map((m) => m.openness))}`,
        `liveness right: r ${stat(pick('R').map((m) => m.r))}, yaw3d ${stat(
          pick('R').map((m) => m.yaw3d),
          1,
        )}°, openness ${stat(pick('R').map((m) => m.openness))}`,
      ].join('\n'),
    );
    // Runs long enough to count: a blink of a few frames, turns held ~1 s, frontal spells between.
    const minRun: Record<string, number> = { F: 4, B: 2, L: 8, R: 8 };
    const runs = [...kinds.matchAll(/(.)\1*/g)]
      .map((m) => ({ kind: m[1]!, length: m[0].length }))
      .filter((run) => run.kind !== '.' && run.length >= minRun[run.kind]!);
    let order = runs
      .map((run) => run.kind)
      .join('')
      .replace(/(.)\1+/g, '$1');
    // The window wraps round the loop: a frontal spell split across its ends is one spell.
    if (order.length > 1 && order[0] === order[order.length - 1]) order = order.slice(0, -1);
    expect(order).toHaveLength(6);
    expect(`${order}${order}`).toContain('FBFLFR');
    // The blink sits on a frontal face; the turns keep the eyes open.
    for (const m of pick('L').concat(pick('R'))) expect(m.openness).toBeGreaterThan(0.25);
  }, 120_000);
});
