export { clarifyText } from './clarify.js';
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
