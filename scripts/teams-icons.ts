/**
 * Draws the two Teams app icons with nothing but node:zlib (PNG = signature + IHDR + IDAT + IEND):
 *   manifests/teams/color.png   192x192, a white "k" on the accent colour
 *   manifests/teams/outline.png  32x32,  a white "k" in a white frame on transparent
 * Run: npx tsx scripts/teams-icons.ts
 */
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA image as PNG (colour type 6, 8 bits, no filter). */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Distance from point p to the segment a-b, all in unit coordinates. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Coverage (0..1) of a lower-case "k" at unit coordinates u, v (0..1), stroke width w. */
function letterK(u: number, v: number, w: number): number {
  const strokes: [number, number, number, number][] = [
    [0.36, 0.22, 0.36, 0.78], // stem
    [0.36, 0.58, 0.64, 0.38], // arm
    [0.45, 0.52, 0.66, 0.78], // leg
  ];
  const d = Math.min(...strokes.map(([ax, ay, bx, by]) => segmentDistance(u, v, ax, ay, bx, by)));
  return d <= w / 2 ? 1 : 0;
}

/** Supersampled coverage for smooth edges. */
function coverage(size: number, x: number, y: number, shape: (u: number, v: number) => number): number {
  const n = 4;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sum += shape((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size);
  return sum / (n * n);
}

const ACCENT: [number, number, number] = [0x1f, 0x5c, 0x99];

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) => {
    const a = coverage(size, x, y, (u, v) => letterK(u, v, 0.1));
    const mix = (c: number) => Math.round(c * (1 - a) + 255 * a);
    return [mix(ACCENT[0]), mix(ACCENT[1]), mix(ACCENT[2]), 255];
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => {
    const a = coverage(size, x, y, (u, v) => {
      const frame = Math.max(Math.abs(u - 0.5), Math.abs(v - 0.5));
      return (frame >= 0.44 && frame <= 0.5) || letterK(u, v, 0.11) ? 1 : 0;
    });
    return [255, 255, 255, Math.round(255 * a)];
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = fileURLToPath(new URL("../manifests/teams/", import.meta.url));
  writeFileSync(`${dir}color.png`, colorIcon());
  writeFileSync(`${dir}outline.png`, outlineIcon());
  console.log(`wrote ${dir}color.png (192x192) and ${dir}outline.png (32x32)`);
}
