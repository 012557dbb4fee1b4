import { containsPdf, containsZip } from './polyglot.ts';
import type { Finding } from './types.ts';

export interface ImageLimits {
  /** Declared width × height. */
  maxPixels: number;
  /** Either side. */
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 50_000_000, maxSide: 20_000 };

export interface ImageSize {
  width: number;
  height: number;
}

/** Structure only: the header decodes (PNG signature and IHDR, JPEG SOI then an SOF segment) with non-zero dimensions. */
export function checkImageStructure(bytes: Buffer, contentType: string): Finding {
  const size = imageSize(bytes, contentType);
  if (!size) return { reason: 'malformed_image', detail: `no readable ${contentType} header` };
  if (size.width === 0 || size.height === 0) return { reason: 'malformed_image', detail: 'zero width or height' };
  return null;
}

/**
 * Decompression bombs (a small file declaring 100000×100000 pixels takes whoever renders it
 * down) and polyglots (a valid image that a ZIP or PDF reader also opens).
 */
export function checkImage(bytes: Buffer, contentType: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Finding {
  const structure = checkImageStructure(bytes, contentType);
  if (structure) return structure;
  const { width, height } = imageSize(bytes, contentType)!;
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    return { reason: 'image_too_large', detail: `${width}×${height} pixels (at most ${limits.maxSide} a side and ${limits.maxPixels} in all)` };
  }
  if (containsZip(bytes)) return { reason: 'polyglot', detail: 'the image is also a ZIP archive' };
  if (containsPdf(bytes)) return { reason: 'polyglot', detail: 'the image is also a PDF' };
  return null;
}

export function imageSize(bytes: Buffer, contentType: string): ImageSize | null {
  if (contentType === 'image/png') return pngSize(bytes);
  if (contentType === 'image/jpeg') return jpegSize(bytes);
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(bytes: Buffer): ImageSize | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.readUInt32BE(8) !== 13 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function jpegSize(bytes: Buffer): ImageSize | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0–7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2) return null;
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}
