import { inflateSync } from 'node:zlib';

/**
 * Just enough PNG to read a browser's screenshot in a test, without a dependency: 8-bit RGB or RGBA,
 * not interlaced (what Chromium writes). Anything else is refused, not misread.
 */

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
  /** Row after row, `channels` bytes a pixel, no filter bytes. */
  readonly pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Math.abs, but local: these loops run millions of times, and under jest a global such as Math is
 * looked up through the test's vm context on every call, a hundred times slower than plain node.
 */
const abs = (value: number) => (value < 0 ? -value : value);

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const [toLeft, toUp, toUpLeft] = [abs(estimate - left), abs(estimate - up), abs(estimate - upLeft)];
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

function predictor(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new Error(`PNG: unknown row filter ${filter}`);
  }
}

/** Undoes each row's filter (PNG spec 9.2) into a copy without the filter bytes. */
function unfilter(data: Buffer, width: number, height: number, channels: number): Buffer {
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row += 1) {
    const filter = data[row * (stride + 1)];
    const source = row * (stride + 1) + 1;
    const target = row * stride;
    for (let column = 0; column < stride; column += 1) {
      const left = column >= channels ? pixels[target + column - channels] : 0;
      const up = row > 0 ? pixels[target - stride + column] : 0;
      const upLeft = row > 0 && column >= channels ? pixels[target - stride + column - channels] : 0;
      pixels[target + column] = (data[source + column] + predictor(filter, left, up, upLeft)) & 0xff;
    }
  }
  return pixels;
}

export function decodePng(file: Buffer): DecodedPng {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file (signature)');
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG without IHDR');
  const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
  const [bitDepth, colourType, interlace] = [header[8], header[9], header[12]];
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  if (bitDepth !== 8 || channels === 0 || interlace !== 0) throw new Error(`PNG not read here: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
  return { width, height, channels, pixels: unfilter(inflateSync(Buffer.concat(data)), width, height, channels) };
}

/** How many pixels are within `tolerance` (sum of the channel differences) of each `#rrggbb` colour, in one pass. */
export function pixelsNear(image: DecodedPng, colours: readonly string[], tolerance = 30): number[] {
  const channelValues = colours.flatMap((colour) => [1, 3, 5].map((start) => parseInt(colour.slice(start, start + 2), 16)));
  const found = colours.map(() => 0);
  const { pixels, channels } = image;
  for (let offset = 0; offset < pixels.length; offset += channels) {
    for (let index = 0; index < found.length; index += 1) {
      const distance = abs(pixels[offset] - channelValues[3 * index]) + abs(pixels[offset + 1] - channelValues[3 * index + 1]) + abs(pixels[offset + 2] - channelValues[3 * index + 2]);
      if (distance <= tolerance) found[index] += 1;
    }
  }
  return found;
}
