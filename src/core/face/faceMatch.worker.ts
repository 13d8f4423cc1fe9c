// The face-match worker: onnxruntime-node runs here, never on the core's
// event loop. The sessions are made once, at the first call, from the model
// bytes the core verified and passed in workerData; every call after reuses
// them. A model that onnxruntime refuses fails every call with its message
// (the self-test reports it), rather than crashing the thread again and again.
import { workerData } from 'node:worker_threads';
import { serveWorker, withTransfer } from '../workers';
import { createFaceEngine, type FaceEngine } from './faceEngine';
import type { FaceMatchApi, FaceMatchWorkerData } from './faceMatchApi';

const data = workerData as FaceMatchWorkerData;
let engine: Promise<FaceEngine> | undefined;
const ready = () =>
  (engine ??= createFaceEngine(data.models, { threads: data.threads, minDetectionScore: data.minDetectionScore }).catch(
    (error: unknown) => {
      throw new Error(`the face models could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    },
  ));

serveWorker<FaceMatchApi>(
  {
    load: async () => {
      const started = performance.now();
      await ready();
      return { ms: performance.now() - started };
    },
    analyse: async ({ pictures, purpose, mesh = false }) => {
      const faults = purpose === 'self-test' ? undefined : data.faults;
      if (faults?.crash) process.exit(70);
      if (faults?.hangMs) await new Promise((resolve) => setTimeout(resolve, faults.hangMs));
      const face = await ready();
      const results = [];
      for (const picture of pictures) {
        results.push(await face.analyse(picture, { mesh }));
        // The worker's copy of a face picture is of no more use.
        picture.bytes.fill(0);
      }
      const buffers = results.flatMap((r) => (r.ok ? [r.embedding.buffer as ArrayBuffer] : []));
      return withTransfer({ results, rssBytes: process.memoryUsage.rss() }, buffers);
    },
  },
  { close: async () => (await engine?.catch(() => undefined))?.release() },
);
