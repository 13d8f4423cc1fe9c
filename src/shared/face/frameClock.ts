// When a camera frame was taken, on the page's performance clock. The face
// loop judges liveness, holds and timeouts on these times, not on when it got
// round to a frame: on a busy or weak PC processing lags and bunches up, and
// a 150 ms blink measured on processing times can shrink to nothing or
// stretch. requestVideoFrameCallback reports each frame's captureTime (a
// local camera, on the performance clock) and mediaTime (seconds on the
// stream's own timeline); the callback's `now` is the fallback.
// (WICG video-rvfc, VideoFrameCallbackMetadata.)

/** The parts of a requestVideoFrameCallback call the clock reads. */
export interface VideoFrameTimes {
  /** The callback's own time (performance clock, ms). */
  now: number;
  captureTime?: number;
  /** Seconds. */
  mediaTime?: number;
}

type Source = 'capture' | 'media' | 'callback';

export class FrameClock {
  #source: Source | null = null;
  /** performance-clock ms minus media ms, fixed at the first frame. */
  #mediaOffset = 0;
  #last = -Infinity;

  /**
   * The frame's time in ms on the performance clock, or null when it is not
   * newer than the last frame stamped (the same frame again: skip it, as
   * MediaPipe's video mode needs strictly increasing timestamps). The source
   * is chosen at the first frame and kept, so times never mix clocks.
   */
  stamp(frame: VideoFrameTimes): number | null {
    this.#source ??= finite(frame.captureTime) ? 'capture' : finite(frame.mediaTime) ? 'media' : 'callback';
    let t: number;
    if (this.#source === 'capture' && finite(frame.captureTime)) t = frame.captureTime;
    else if (this.#source === 'media' && finite(frame.mediaTime)) {
      if (this.#last === -Infinity) this.#mediaOffset = frame.now - frame.mediaTime * 1000;
      t = frame.mediaTime * 1000 + this.#mediaOffset;
    } else t = frame.now;
    if (t <= this.#last) return null;
    this.#last = t;
    return t;
  }
}

function finite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
