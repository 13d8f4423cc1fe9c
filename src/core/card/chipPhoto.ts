// The chip's photo as the card step shows it to the citizen: decoded here
// (JPEG or JPEG 2000, with the size caps checked before decoding) and encoded
// again as a plain baseline JPEG, so the page only ever decodes a picture the
// booth made, never the bytes a chip sent. The pixels are zeroed after use.
import jpeg from 'jpeg-js';
import type { ChipPhoto } from '../../shared/contract/schemas';
import { CHIP_IMAGE_CAPS, decodeImage } from '../pictures';
import type { CardReadout } from './ektp/readEktp';

/** Good enough to recognise a face on a screen; keeps the answer small (an e-KTP photo comes out at 15–30 KB). */
const DISPLAY_JPEG_QUALITY = 85;

/** The readout's photo as a data: URL JPEG; throws PictureError when the chip's photo cannot be decoded. */
export async function chipPhotoForDisplay(photo: CardReadout['photo']): Promise<ChipPhoto> {
  const image = await decodeImage(photo, CHIP_IMAGE_CAPS);
  const rgba = new Uint8Array(image.width * image.height * 4);
  try {
    for (let pixel = 0, from = 0, to = 0; pixel < image.width * image.height; pixel++, from += 3, to += 4) {
      rgba[to] = image.rgb[from]!;
      rgba[to + 1] = image.rgb[from + 1]!;
      rgba[to + 2] = image.rgb[from + 2]!;
      rgba[to + 3] = 255;
    }
    const encoded = jpeg.encode({ data: rgba, width: image.width, height: image.height }, DISPLAY_JPEG_QUALITY);
    const dataUrl = `data:image/jpeg;base64,${Buffer.from(encoded.data).toString('base64')}`;
    encoded.data.fill(0);
    return { dataUrl, width: image.width, height: image.height };
  } finally {
    image.rgb.fill(0);
    rgba.fill(0);
  }
}
