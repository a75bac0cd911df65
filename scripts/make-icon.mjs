// Draws media/icon.png (128x128, the extension's icon): a lens over bars that shrink layer by layer,
// the picture of a vanishing gradient. Rasterized here with 4x4 supersampling and written with a
// minimal PNG encoder (zlib), so the icon is reproducible without an image tool.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;
const BACKGROUND = [24, 32, 48];
const BARS = [
  [255, 176, 59],
  [240, 140, 70],
  [214, 104, 92],
  [170, 84, 120],
  [120, 72, 140],
];
const LENS = [92, 214, 230];

/** The colour (or null: transparent) at a point of the 128x128 picture. */
function shade(x, y) {
  const inRounded = roundedRect(x, y, 4, 4, 124, 124, 22);
  if (!inRounded) return null;
  const cx = 58;
  const cy = 58;
  const r = Math.hypot(x - cx, y - cy);
  // Lens ring and handle.
  if (r >= 34 && r <= 42) return LENS;
  const t = (x - cx + (y - cy)) / Math.SQRT2;
  const across = Math.abs(x - cx - (y - cy)) / Math.SQRT2;
  if (t > 42 && t < 78 && across < 6) return LENS;
  // Bars, seen through the lens: heights fall off from left to right.
  for (let i = 0; i < BARS.length; i++) {
    const left = 32 + i * 11;
    const height = 44 * Math.pow(0.62, i);
    if (x >= left && x < left + 8 && y <= 80 && y >= 80 - height && r < 34) return BARS[i];
  }
  return BACKGROUND;
}

function roundedRect(x, y, x0, y0, x1, y1, radius) {
  const qx = Math.max(x0 + radius - x, 0, x - (x1 - radius));
  const qy = Math.max(y0 + radius - y, 0, y - (y1 - radius));
  return qx * qx + qy * qy <= radius * radius && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        sum[0] += colour[0];
        sum[1] += colour[1];
        sum[2] += colour[2];
        sum[3] += 255;
      }
    }
    const covered = sum[3] / 255;
    const at = 1 + px * 4;
    for (let c = 0; c < 3; c++) row[at + c] = covered ? Math.round(sum[c] / covered) : 0;
    row[at + 3] = Math.round(sum[3] / (SAMPLES * SAMPLES));
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png');
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
