/** One sentence of a longer message, and whether it is the part that asks for something. */
export interface Sentence {
  text: string;
  /** Ends with a question mark, or opens like a question or a request ("can I", "please", "book"). */
  asks: boolean;
}

/** How a question or a request opens; a sentence that opens otherwise and ends without `?` is context. */
const asking =
  /^(?:how|what|whats|when|where|who|whom|whose|which|why|can|could|do|does|did|is|are|am|was|were|will|would|should|shall|may|might|have|has|please|pls|kindly|i need|i want|i'?d like|i would like|i have to|help|tell me|show me|let me know|any idea|book|cancel|submit|send|find|check|give me|explain)\b/i;

/**
 * The sentences of a message of two or more (empty for one sentence), each marked as asking or as
 * context. Splits where {@link segments} of the lexical index does: sentence ends, `;`, new lines.
 */
export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const m of text.matchAll(/([^.!?;\n]+)([.!?;\n]+|$)/g)) {
    const body = m[1]!.trim();
    if (body.length === 0) continue;
    out.push({ text: body, asks: m[2]!.includes('?') || asking.test(body) });
  }
  return out.length > 1 ? out : [];
}

/**
 * The weight of each sentence's score in a message: a sentence that asks counts fully, context
 * ("I'm travelling to Toronto next month...") counts `context` times, so the topic of the question
 * decides rather than the story around it. With no asking sentence, every sentence counts fully.
 */
export function sentenceWeights(parts: readonly Sentence[], context: number): number[] {
  const anyAsks = parts.some((p) => p.asks);
  return parts.map((p) => (!anyAsks || p.asks ? 1 : context));
}

/** Whether a text asks: it holds a `?` or opens like a question or a request. */
export function asksSomething(text: string): boolean {
  return text.includes('?') || asking.test(text.trim());
}
