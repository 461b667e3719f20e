import { inflateSync } from 'node:zlib';

/** A decoded image: `width * height` pixels of 4 bytes (RGBA), row after row. */
export interface DecodedPng {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** The Paeth predictor of the PNG specification (filter type 4). */
function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const dl = Math.abs(p - left);
  const du = Math.abs(p - up);
  const dul = Math.abs(p - upLeft);
  return dl <= du && dl <= dul ? left : du <= dul ? up : upLeft;
}

/** Undoes one scanline's filter in place, given the previous (already unfiltered) line. */
function unfilter(type: number, line: Uint8Array, previous: Uint8Array, bpp: number): void {
  for (let i = 0; i < line.length; i++) {
    const left = i >= bpp ? line[i - bpp]! : 0;
    const up = previous[i]!;
    const upLeft = i >= bpp ? previous[i - bpp]! : 0;
    const predicted = type === 1 ? left : type === 2 ? up : type === 3 ? (left + up) >> 1 : type === 4 ? paeth(left, up, upLeft) : 0;
    line[i] = (line[i]! + predicted) & 0xff;
  }
}

/**
 * Decodes the PNGs Chromium's `--screenshot` writes: 8-bit RGB or RGBA, not interlaced
 * (anything else is refused, so a change in Chromium's output fails loudly rather than
 * being misread).
 */
export function decodePng(bytes: Buffer): DecodedPng {
  let width = 0;
  let height = 0;
  let colourType = -1;
  const data: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      colourType = body[9]!;
      if (body[8] !== 8 || (colourType !== 2 && colourType !== 6) || body[12] !== 0) {
        throw new Error(`unsupported PNG: bit depth ${body[8]}, colour type ${colourType}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const bpp = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(data));
  const rgba = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(width * bpp);
  for (let y = 0; y < height; y++) {
    const start = y * (width * bpp + 1);
    const line = Uint8Array.from(raw.subarray(start + 1, start + 1 + width * bpp));
    unfilter(raw[start]!, line, previous, bpp);
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 4;
      rgba[out] = line[x * bpp]!;
      rgba[out + 1] = line[x * bpp + 1]!;
      rgba[out + 2] = line[x * bpp + 2]!;
      rgba[out + 3] = bpp === 4 ? line[x * bpp + 3]! : 255;
    }
    previous = line;
  }
  return { width, height, rgba };
}
