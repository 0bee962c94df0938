import type { Logger } from '@switchboard/runtime';
import type { z } from 'zod';
import type { DomainEvent, EngineContext, EngineInput } from '../engine.js';

/** What a tool gets besides its validated input. */
export interface ToolContext {
  /** The employee asking; tools enforce who may see or change what. */
  userId?: string | undefined;
  /** Stable across redeliveries: key every change by it so a rerun changes nothing twice. */
  taskId: string;
  /** The conversation this turn belongs to (a workflow tells it outcomes later, e.g. an approval). */
  sessionId?: string | undefined;
  log: Logger;
  signal: AbortSignal;
  /** Records a domain event (published on `events.<agent>.<kind>` after the turn is stored). */
  emit(event: DomainEvent): void;
}

/**
 * A domain tool, defined once: the same definition drives the offline engine and the Claude engine
 * (its `input` schema becomes the Anthropic tool's `input_schema`).
 */
export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  run(input: z.infer<I>, ctx: ToolContext): Promise<z.infer<O>>;
}

/** Defines a tool with its types inferred from the schemas. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}

/**
 * The context tools run in for one turn: the turn's user (never one a model or the text names) and
 * task id, and an `emit` that collects the turn's domain events into `events`.
 */
export function toolContext(input: EngineInput, ctx: EngineContext, events: DomainEvent[]): ToolContext {
  return {
    userId: input.userId,
    taskId: input.taskId,
    sessionId: input.sessionId,
    // Read through: the engine context builds its child logger on first use.
    get log() {
      return ctx.log;
    },
    signal: ctx.signal,
    emit: (e) => events.push(e),
  };
}
