/**
 * Typo correction against the index's own vocabulary (symmetric-delete lookup, as in SymSpell):
 * an unknown stem of 5+ letters becomes the known stem within edit distance 1 (2 from 9 letters),
 * preferring the smaller distance, then the more frequent stem, then the alphabetical first.
 */

/** Edit distance allowed for a term of this length; 0 means too short to correct safely. */
function maxDistance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** Every string made by deleting up to `depth` characters of `word` (including `word`). */
function deletes(word: string, depth: number): Set<string> {
  const out = new Set<string>([word]);
  let frontier = [word];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const del = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(del)) {
          out.add(del);
          next.push(del);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/** Corrects unknown terms to the nearest known one; known and short terms come back unchanged. */
export interface Speller {
  correct(term: string): string;
}

const cacheLimit = 4096;

/** Builds a speller over `vocabulary` (term → how many documents hold it). */
export function createSpeller(vocabulary: ReadonlyMap<string, number>): Speller {
  const byDelete = new Map<string, string[]>();
  for (const term of vocabulary.keys()) {
    const depth = maxDistance(term.length);
    if (depth === 0 || /[0-9]/.test(term)) continue;
    for (const del of deletes(term, depth)) {
      const list = byDelete.get(del);
      if (list) list.push(term);
      else byDelete.set(del, [term]);
    }
  }
  const cache = new Map<string, string>();

  function lookup(term: string): string {
    const depth = maxDistance(term.length);
    if (depth === 0 || vocabulary.has(term) || /[0-9]/.test(term)) return term;
    let best = term;
    let bestDistance = depth + 1;
    let bestFreq = 0;
    for (const del of deletes(term, depth)) {
      for (const cand of byDelete.get(del) ?? []) {
        const dist = editDistance(term, cand);
        if (dist > depth) continue;
        const freq = vocabulary.get(cand) ?? 0;
        const better =
          dist < bestDistance ||
          (dist === bestDistance && (freq > bestFreq || (freq === bestFreq && cand < best)));
        if (better) {
          best = cand;
          bestDistance = dist;
          bestFreq = freq;
        }
      }
    }
    return best;
  }

  return {
    correct(term) {
      const hit = cache.get(term);
      if (hit !== undefined) return hit;
      const out = lookup(term);
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(term, out);
      return out;
    },
  };
}
