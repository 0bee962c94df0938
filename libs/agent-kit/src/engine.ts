import type { MessageContext, Turn } from '@switchboard/contracts';
import type { Logger } from '@switchboard/runtime';

/** One user turn, as an engine sees it. */
export interface EngineInput {
  /** The user's text (validated, trimmed, never `END`: the kit handles that). */
  text: string;
  /** The employee asking, when known. */
  userId?: string | undefined;
  sessionId: string;
  /**
   * The task id: stable across redeliveries of this turn. Anything an engine changes (a leave
   * request, an expense) must be keyed by it, so running the turn twice changes things once.
   */
  taskId: string;
  /** The conversation so far, oldest first, without this turn. */
  history: readonly Turn[];
  /** What the engine asked to keep from the previous turn (slot filling). */
  pending?: Record<string, unknown> | undefined;
}

/** A domain event the turn caused, published on `events.<agent>.<kind>`. */
export interface DomainEvent {
  kind: string;
  data: Record<string, unknown>;
}

/** An engine's answer to one turn. */
export interface EngineResult {
  /** The answer, for a person to read. */
  text: string;
  /** Structured extras for the reply's `data` (tool results, engine used). */
  data?: Record<string, unknown>;
  /** What to remember for the next turn; omit to clear. */
  pending?: Record<string, unknown>;
  /** Domain events this turn caused. */
  events?: DomainEvent[];
}

/**
 * Where an engine may hand the text of its answer while it is being written, when the caller asked
 * for the answer streamed (docs/streaming.md). Optional for an engine: what it does not write is
 * streamed from the final text after the turn.
 */
export interface ChunkSink {
  /** More text of the answer, as it comes (a token delta). */
  write(text: string): void;
  /** What was written so far is void: the answer starts again (a retry, a new tool round). */
  restart(): void;
}

/** What an engine gets besides the input. */
export interface EngineContext {
  log: Logger;
  /** Aborted when the task is abandoned (drain, deadline). */
  signal: AbortSignal;
  /** The request's context (request id, trace, deadline, user), when the turn came from a task. */
  message?: MessageContext;
  /** Present when the caller asked for the answer streamed: where its text may go as it comes. */
  chunks?: ChunkSink | undefined;
}

/**
 * Answers one turn of a conversation. Throw a `SwitchboardError` for typed failures: retryable ones
 * are retried by redelivery, others are answered as errors.
 */
export interface Engine {
  respond(input: EngineInput, ctx: EngineContext): Promise<EngineResult>;
}
