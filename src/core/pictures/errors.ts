// A picture that cannot be used: the same two answers whoever handed it over
// (a chip's photo, a camera's capture), so face verification never depends on
// card internals. The caller says what it means for its step: the card step
// reports MALFORMED or TOO_LARGE for a chip, the face step refuses a capture.

export type PictureErrorCode =
  /** The bytes are not a picture the booth can decode (truncated, corrupted, the wrong kind). */
  | 'MALFORMED'
  /** The picture declares more pixels than its caps allow; refused before decoding. */
  | 'TOO_LARGE';

export class PictureError extends Error {
  override readonly name = 'PictureError';

  constructor(
    readonly code: PictureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isPictureError(error: unknown): error is PictureError {
  return error instanceof PictureError;
}
