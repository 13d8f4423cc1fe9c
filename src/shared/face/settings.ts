// Face-step settings: what the technician configures and what the core hands
// the renderer (face.setup). Caps here are the hard limits of the contract;
// configuration may only tighten them.
import { z } from 'zod';
import { livenessSettingsSchema } from './liveness';
import { qualityThresholdsSchema } from './quality';

/** Hard caps of one capture in the contract (configuration may lower them). */
export const MAX_FRAME_JPEG_BYTES = 512 * 1024;
export const MAX_STILL_JPEG_BYTES = 3 * 1024 * 1024;
/** 60 fps × (3 steps × 30 s + the final phase), with room to spare. */
export const MAX_TRACE_ENTRIES = 8000;

export const cameraSettingsSchema = z
  .object({
    /** Part of the camera's label to pick among several (e.g. "Logitech"); the first camera when unset. */
    deviceLabel: z.string().min(1).max(128).optional(),
    width: z.int().min(320).max(3840).default(640),
    height: z.int().min(240).max(2160).default(480),
    frameRate: z.int().min(5).max(60).default(30),
    /** Show the preview as a mirror, as citizens expect of a selfie. */
    mirror: z.boolean().default(true),
  })
  .strict();
export type CameraSettings = z.output<typeof cameraSettingsSchema>;

export const captureSettingsSchema = z
  .object({
    /** Face crops kept for matching, best quality first. */
    bestFrames: z.int().min(1).max(5).default(3),
    /** Side of the square face crop, pixels. */
    cropSize: z.int().min(112).max(640).default(320),
    jpegQuality: z.number().min(0.5).max(1).default(0.92),
    maxFrameBytes: z
      .int()
      .min(8 * 1024)
      .max(MAX_FRAME_JPEG_BYTES)
      .default(256 * 1024),
    maxStillBytes: z
      .int()
      .min(32 * 1024)
      .max(MAX_STILL_JPEG_BYTES)
      .default(2 * 1024 * 1024),
  })
  .strict();
export type CaptureSettings = z.output<typeof captureSettingsSchema>;

/** Matching the live face to the chip photo in the core (src/core/face). */
export const matchSettingsSchema = z
  .object({
    /**
     * Euclidean distance between two 128-d embeddings at or under which they are the same person. dlib's published operating
     * point for its face ResNet is 0.6 (99.38% on LFW); set it from a calibration on faces like this booth's citizens
     * (npm run booth -- face calibrate).
     */
    threshold: z.number().min(0.2).max(1.2).default(0.6),
    /** Captures a citizen may have matched before the service desk takes over (a no-match means a new capture). */
    attempts: z.int().min(1).max(3).default(2),
    /** onnxruntime intra-op threads in the face-match worker: 1 was steadier than 2 on a busy 2-core booth. */
    threads: z.int().min(1).max(8).default(1),
    /** How long one verification may take before the citizen is offered a retry. */
    timeoutMs: z.int().min(1000).max(60_000).default(15_000),
  })
  .strict();
export type MatchSettings = z.output<typeof matchSettingsSchema>;

export const faceSettingsSchema = z
  .object({
    quality: qualityThresholdsSchema.prefault({}),
    match: matchSettingsSchema.prefault({}),
    liveness: livenessSettingsSchema.prefault({}),
    capture: captureSettingsSchema.prefault({}),
    /** Draws every quality measure over the preview, for technicians tuning thresholds. */
    technicianOverlay: z.boolean().default(false),
    /**
     * Seconds, from a session's arrival at the face step, that a face in view
     * (or any keep-alive) can hold the session open. Past it only a new
     * challenge or the capture extends the session, and challenges run out.
     * Long enough for positioning and every attempt (3 × 3 steps × 11 s).
     */
    presenceCapSec: z.int().min(30).max(1800).default(180),
    /**
     * Frames of the shipped warm-up picture the screen runs through MediaPipe
     * while the booth waits for a citizen, once per page load. Chromium's
     * WebAssembly engine optimises MediaPipe's code only after it has run a
     * while; without this the first citizen's guidance stutters (frames of
     * 20 to 50 ms among 9 ms ones). About 11 s of one core on a 2-core PC. 0 turns it off.
     */
    warmUpFrames: z.int().min(0).max(2000).default(600),
  })
  .strict();
export type FaceSettings = z.output<typeof faceSettingsSchema>;

/** What the renderer needs to run the face step (face.setup). */
export const faceSetupSchema = z
  .object({
    camera: cameraSettingsSchema,
    quality: qualityThresholdsSchema,
    liveness: livenessSettingsSchema,
    capture: captureSettingsSchema,
    technicianOverlay: z.boolean(),
    /** Paths on the booth's own origin: the wasm runtime folder and the landmarker bundle. */
    wasmBase: z.string().max(128),
    modelUrl: z.string().max(128),
    /** The detector alone, for the periodic scan for a second face. */
    detectorUrl: z.string().max(128),
    attemptsLeft: z.int().min(0),
  })
  .strict();
export type FaceSetup = z.output<typeof faceSetupSchema>;
