// Pictures: decoding the chip's JPEG or JPEG 2000 photo to RGB with caps
// checked from the header first, and reading a JPEG's size before keeping a
// capture. Used by the card and face capabilities; depends on neither.
export { CHIP_IMAGE_CAPS, decodeImage, type DecodeCaps, type ImageFormat, type RgbImage } from './decodeImage';
export { isPictureError, PictureError, type PictureErrorCode } from './errors';
export { j2kCodestream, j2kCodestreamSize, type ImageSize } from './imageHeader';
export { jpegSize, type JpegSize } from './jpegSize';
