// How large a copy of the camera frame the face landmarker is given. The
// attention face mesh sees the face through a 192 × 192 window cut from the
// frame around the tracked face, about 1.5 face heights wide. A face box
// taller than 128 px in the landmarker's input therefore only gives
// MediaPipe more pixels to upload, convert and shrink again (most of the
// frame time on this CPU-only path), and no detail the model uses. So the
// frame is scaled down until the face is about that tall, never below
// 320 px wide, and never up. Without a face the detector runs: it looks at
// the whole frame at 128 × 128, so the smallest size serves it as well.
// The pixel measures (light, sharpness, ...) still come from the full frame.

export interface Size {
  width: number;
  height: number;
}

/** Face box height in the landmarker's input that keeps everything the 192-px mesh window needs (1.5 × 128 = 192). */
export const LANDMARK_FACE_PX = 128;
/** The smallest input width. */
export const MIN_INPUT_WIDTH = 320;
/** Widths come in steps of this many pixels, so the size settles instead of changing every frame. */
const STEP_PX = 32;
/** A smaller size is taken only when the face would still be this much over LANDMARK_FACE_PX (no flapping). */
const SHRINK_MARGIN = 1.15;

/**
 * The landmarker's input size for a frame, given the tracked face's box
 * height in frame pixels (null: no face tracked) and the size used for the
 * previous frame. Grows at once when the face needs it; shrinks only with
 * some margin.
 */
export function landmarkInputSize(frame: Size, faceHeightPx: number | null, previous: Size | null): Size {
  const minWidth = Math.min(frame.width, MIN_INPUT_WIDTH);
  const widthFor = (faceTarget: number) => {
    if (faceHeightPx === null) return minWidth;
    const wanted = Math.ceil((frame.width * faceTarget) / Math.max(1, faceHeightPx) / STEP_PX) * STEP_PX;
    return Math.min(frame.width, Math.max(minWidth, wanted));
  };
  let width = widthFor(LANDMARK_FACE_PX);
  if (previous && previous.width > width && faceHeightPx !== null && previous.width <= frame.width) {
    // Keep the larger size until the face is clearly big enough for the smaller one.
    width = Math.min(previous.width, widthFor(LANDMARK_FACE_PX * SHRINK_MARGIN));
  }
  return { width, height: Math.round((width * frame.height) / frame.width) };
}
