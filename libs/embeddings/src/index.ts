export {
  commonComponent,
  createSentenceEncoder,
  dot,
  type Encoded,
  type SentenceEncoder,
  type SentenceEncoderOptions,
  textWords,
  unit,
  withoutComponent,
} from './sentence.js';
export { parseWordVectors, type WordVectors, wordVectors } from './vectors.js';
