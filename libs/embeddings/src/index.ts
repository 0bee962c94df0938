export {
  createSentenceEncoder,
  dot,
  type Encoded,
  meanDirection,
  type SentenceEncoder,
  type SentenceEncoderOptions,
  textWords,
  unit,
} from './sentence.js';
export { parseWordVectors, type WordVectors, wordVectors } from './vectors.js';
