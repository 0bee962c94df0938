import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LabelledText } from './supervised.js';

/** `dist/training-set.json` of this package (written at build time from the tune split), from `src/` as from `dist/`. */
const packagedFile = new URL('../dist/training-set.json', import.meta.url);

const TrainingSet = z.array(z.object({ text: z.string().min(1), label: z.string().min(1) }));

let cached: readonly LabelledText[] | undefined;

/**
 * The labelled utterances the router's supervised model learns from: the routing data set's tune
 * split, copied at build time by `scripts/training-set.mjs` (the held-out split is never copied).
 * Read once per process.
 */
export function routingTrainingSet(): readonly LabelledText[] {
  cached ??= Object.freeze(TrainingSet.parse(JSON.parse(readFileSync(packagedFile, 'utf8'))));
  return cached;
}
