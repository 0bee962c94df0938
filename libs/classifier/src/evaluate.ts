import { z } from 'zod';

/** The label of an utterance no agent should take: the right answer is `clarify`. */
export const noneLabel = 'none';

/** One labelled utterance of `eval/routing/dataset.jsonl`. */
export const routingExampleSchema = z.strictObject({
  text: z.string(),
  /** An agent name, or `none` for out of scope. */
  label: z.string().min(1),
  /** `tune` may be used to calibrate thresholds and weights; `heldout` only to report. */
  split: z.enum(['tune', 'heldout']),
});
export type RoutingExample = z.infer<typeof routingExampleSchema>;
export type Split = RoutingExample['split'];

/** Parses a JSON-lines data set; throws naming the first bad line. Blank lines are skipped. */
export function parseDataset(jsonl: string): RoutingExample[] {
  const out: RoutingExample[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new Error(`dataset line ${i + 1}: not JSON`, { cause: err });
    }
    const parsed = routingExampleSchema.safeParse(value);
    if (!parsed.success) throw new Error(`dataset line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    out.push(parsed.data);
  });
  return out;
}

/** One utterance's gold label and the classifier's answer (`none` for clarify). */
export interface Outcome {
  text: string;
  label: string;
  predicted: string;
}

/** Precision and recall of one class; `precision` is null when the class was never predicted. */
export interface ClassMetrics {
  precision: number | null;
  recall: number | null;
  /** Utterances labelled with this class. */
  support: number;
  /** Utterances predicted as this class. */
  predicted: number;
}

/** The metrics of one split. */
export interface RoutingMetrics {
  n: number;
  accuracy: number;
  /** Per agent label (every label but `none`). */
  agents: Record<string, ClassMetrics>;
  /** The `none` class: recall is the share of out-of-scope utterances answered `clarify`. */
  outOfScope: ClassMetrics;
  /** `confusion[label][predicted]` = count. */
  confusion: Record<string, Record<string, number>>;
  /** The misrouted utterances. */
  errors: Outcome[];
}

function classMetrics(outcomes: readonly Outcome[], cls: string): ClassMetrics {
  const support = outcomes.filter((o) => o.label === cls).length;
  const predicted = outcomes.filter((o) => o.predicted === cls).length;
  const hits = outcomes.filter((o) => o.label === cls && o.predicted === cls).length;
  return {
    precision: predicted === 0 ? null : hits / predicted,
    recall: support === 0 ? null : hits / support,
    support,
    predicted,
  };
}

/** Accuracy, per-class precision/recall and the confusion table of a set of outcomes. */
export function computeMetrics(outcomes: readonly Outcome[]): RoutingMetrics {
  const classes = [...new Set(outcomes.flatMap((o) => [o.label, o.predicted]))].sort();
  const confusion: Record<string, Record<string, number>> = {};
  for (const label of classes) {
    confusion[label] = {};
    for (const p of classes) confusion[label][p] = 0;
  }
  for (const o of outcomes) confusion[o.label]![o.predicted]! += 1;
  const agents: Record<string, ClassMetrics> = {};
  for (const cls of classes) if (cls !== noneLabel) agents[cls] = classMetrics(outcomes, cls);
  const correct = outcomes.filter((o) => o.label === o.predicted).length;
  return {
    n: outcomes.length,
    accuracy: outcomes.length === 0 ? 0 : correct / outcomes.length,
    agents,
    outOfScope: classMetrics(outcomes, noneLabel),
    confusion,
    errors: outcomes.filter((o) => o.label !== o.predicted),
  };
}

/** Runs `predict` (agent name or null for clarify) over the rows of one split and scores it. */
export function evaluateSplit(
  rows: readonly RoutingExample[],
  split: Split,
  predict: (text: string) => string | null,
): RoutingMetrics {
  return computeMetrics(
    rows
      .filter((r) => r.split === split)
      .map((r) => ({ text: r.text, label: r.label, predicted: predict(r.text) ?? noneLabel })),
  );
}
