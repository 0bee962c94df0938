export { clarifyText } from './clarify.js';
export { meanAndSpread, seededRandom, stratifiedFolds } from './cross-validation.js';
export {
  createEmbeddedClassifier,
  defaultThreshold,
  defaultWeights,
  type EmbeddedClassifier,
  type EmbeddedOptions,
  type EmbeddedResult,
  type EmbeddedWeights,
  type RouteCandidate,
} from './embedded.js';
export {
  type ClassMetrics,
  computeMetrics,
  evaluateSplit,
  noneLabel,
  type Outcome,
  parseDataset,
  type RoutingExample,
  type RoutingMetrics,
  routingExampleSchema,
  type Split,
} from './evaluate.js';
export {
  createHybridClassifier,
  decide,
  defaultContextWeight,
  defaultHybridSettings,
  type HybridClassifier,
  type HybridOptions,
  type HybridParts,
  type HybridResult,
  type HybridSettings,
  routes,
} from './hybrid.js';
export {
  agentFeatures,
  decideLearned,
  type FeatureSet,
  featureNames,
  type LabelledParts,
  type LearnedModel,
  probability,
  type TrainOptions,
  trainingRows,
  trainLogistic,
} from './learned.js';
export { detectParts, type IntentPart, multiIntentParts, twoWaySplits } from './multi-intent.js';
export { rejectExamples } from './reject-examples.js';
export {
  cardDocuments,
  createSemanticIndex,
  defaultSemanticWeights,
  rejectName,
  type SemanticIndex,
  type SemanticOptions,
  type SemanticScores,
  type SemanticWeights,
} from './semantic.js';
export { asksSomething, type Sentence, sentences, sentenceWeights } from './sentences.js';
export {
  defaultSupervisedOptions,
  type LabelledText,
  type SparseFeatures,
  type SupervisedModel,
  type SupervisedOptions,
  type SupervisedRow,
  sparseFeatures,
  supervisedNone,
  trainSupervised,
} from './supervised.js';
export { routingTrainingSet } from './training-set.js';
