import { inflateSync } from "node:zlib";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS_BY_COLOR_TYPE: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A decoded 8-bit PNG: rows of `width × channels` bytes, filters undone. */
export interface PngImage {
  width: number;
  height: number;
  channels: number;
  pixels: Buffer;
}

/** Width and height from the IHDR chunk. */
export function pngDimensions(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG file");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes a non-interlaced, 8-bit-per-channel PNG (what Chromium's screenshots are). */
export function decodePng(png: Buffer): PngImage {
  const { width, height } = pngDimensions(png);
  const bitDepth = png[24];
  const colorType = png[25] ?? -1;
  const interlace = png[28];
  const channels = CHANNELS_BY_COLOR_TYPE[colorType];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const data = inflateSync(Buffer.concat(chunks(png, "IDAT")));
  return { width, height, channels, pixels: unfilter(data, width * channels, height, channels) };
}

function chunks(png: Buffer, type: string): Buffer[] {
  const found: Buffer[] = [];
  for (let offset = 8; offset + 8 <= png.length;) {
    const length = png.readUInt32BE(offset);
    if (png.toString("latin1", offset + 4, offset + 8) === type) found.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return found;
}

function unfilter(data: Buffer, stride: number, height: number, bytesPerPixel: number): Buffer {
  const out = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row++) {
    const filter = data[row * (stride + 1)];
    const line = data.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1));
    const at = row * stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= bytesPerPixel ? (out[at + i - bytesPerPixel] ?? 0) : 0;
      const up = row > 0 ? (out[at - stride + i] ?? 0) : 0;
      const upLeft = row > 0 && i >= bytesPerPixel ? (out[at - stride + i - bytesPerPixel] ?? 0) : 0;
      const raw = line[i] ?? 0;
      const predicted =
        filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : Number.NaN;
      if (Number.isNaN(predicted)) throw new Error(`bad PNG filter type ${filter} on row ${row}`);
      out[at + i] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
}

/** What a screenshot shows, in numbers a test can assert on. */
export interface PixelStats {
  distinctColors: number;
  /** Fraction of pixels that differ from the top-left pixel (the page background). */
  nonBackgroundFraction: number;
  /** Pixels within `tolerance` (per channel) of the given RGB colour. */
  countNear(rgb: readonly [number, number, number], tolerance: number): number;
}

export function pixelStats(image: PngImage): PixelStats {
  const { pixels, channels } = image;
  const colors = new Set<number>();
  const rgbAt = (index: number): [number, number, number] =>
    channels >= 3 ? [pixels[index] ?? 0, pixels[index + 1] ?? 0, pixels[index + 2] ?? 0] : [pixels[index] ?? 0, pixels[index] ?? 0, pixels[index] ?? 0];
  const [br, bg, bb] = rgbAt(0);
  let nonBackground = 0;
  for (let index = 0; index < pixels.length; index += channels) {
    const [r, g, b] = rgbAt(index);
    colors.add((r << 16) | (g << 8) | b);
    if (r !== br || g !== bg || b !== bb) nonBackground++;
  }
  const total = pixels.length / channels;
  return {
    distinctColors: colors.size,
    nonBackgroundFraction: nonBackground / total,
    countNear([r0, g0, b0], tolerance) {
      let count = 0;
      for (let index = 0; index < pixels.length; index += channels) {
        const [r, g, b] = rgbAt(index);
        if (Math.abs(r - r0) <= tolerance && Math.abs(g - g0) <= tolerance && Math.abs(b - b0) <= tolerance) count++;
      }
      return count;
    },
  };
}
