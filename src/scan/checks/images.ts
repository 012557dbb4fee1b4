import type { Finding } from './types.ts';

export interface ImageLimits {
  maxPixels: number;
  maxSide: number;
}
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 50_000_000, maxSide: 20_000 };

/**
 * Images must decode their headers (PNG IHDR, JPEG SOF) within dimension limits — a small file
 * declaring 100000×100000 pixels is a decompression bomb for whoever renders it — and must not
 * also be a ZIP or a PDF (a polyglot that other software opens as something else).
 */
export function checkImage(bytes: Buffer, contentType: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Finding {
  const size = contentType === 'image/png' ? pngSize(bytes) : contentType === 'image/jpeg' ? jpegSize(bytes) : null;
  if (!size) return { reason: 'malformed_image', detail: `no readable ${contentType} header` };
  if (size.width === 0 || size.height === 0) return { reason: 'malformed_image', detail: 'zero width or height' };
  if (size.width > limits.maxSide || size.height > limits.maxSide || size.width * size.height > limits.maxPixels) {
    return { reason: 'image_too_large', detail: `${size.width}×${size.height} pixels` };
  }
  if (bytes.includes(Buffer.from('PK\x03\x04', 'latin1')) || bytes.includes(Buffer.from('PK\x05\x06', 'latin1'))) return { reason: 'polyglot', detail: 'the image is also a ZIP archive' };
  if (bytes.includes(Buffer.from('%PDF-', 'latin1'))) return { reason: 'polyglot', detail: 'the image is also a PDF' };
  return null;
}

function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    const length = bytes.readUInt16BE(offset + 2);
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}
