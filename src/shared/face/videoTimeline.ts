// When a MediaPipe video-mode task is given a frame: strictly increasing.
/**
 * MediaPipe's video mode refuses a timestamp that is not later than the
 * last one it saw. The booth keeps its models for the page's life (a warm-up
 * before the first citizen, then every face step), so frame times from
 * different cameras and from the warm-up meet on one task: this keeps them
 * strictly increasing, moving a time that would go back to just after the
 * last one.
 */
export class VideoTimeline {
  #last = -Infinity;

  next(timestamp: number): number {
    const next = timestamp > this.#last ? timestamp : this.#last + 1;
    this.#last = next;
    return next;
  }
}
