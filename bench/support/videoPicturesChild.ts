// Prints the liveness video's capture pictures (test/support/videoCapture.ts)
// as JSON of base64 strings. Run in a child process by bench/face-verify.ts,
// so that the detector it loads to find the face is not counted in the
// bench's figure for the face-match worker's memory.
import { resolve } from 'node:path';
import { videoPictures } from '../../test/support/videoCapture';

const pictures = await videoPictures(resolve(import.meta.dirname, '../../models'));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
process.stdout.write(
  JSON.stringify({
    crops: pictures.crops.map(b64),
    actions: Object.fromEntries(Object.entries(pictures.actions).map(([action, bytes]) => [action, b64(bytes)])),
    still: b64(pictures.still),
  }),
);
