/**
 * Header names carried on NATS messages. The envelope (ids, reply subject, deadline, trace) travels
 * in headers; the payload stays the validated JSON body.
 */
export const HeaderNames = {
  /** JetStream de-duplication id; Switchboard sets it to the task id. */
  msgId: 'Nats-Msg-Id',
  /** The caller's reply subject on a task: whoever handles the task answers here. */
  replyTo: 'Switchboard-Reply-To',
  /** Request id, the same on every hop and log line of one request. */
  requestId: 'Switchboard-Request-Id',
  /** Absolute deadline of the caller, epoch milliseconds; past it nobody waits for the answer. */
  deadline: 'Switchboard-Deadline',
  /**
   * The request's LLM budget, `tokens=<int>;usd=<decimal>` (either or both): what every LLM call
   * the request leads to may spend in total. Copied onto every hop like the deadline (see budget.ts).
   */
  budget: 'Switchboard-Budget',
  /** The user a request is made for, as the edge that accepted it established. */
  userId: 'Switchboard-User',
  /**
   * The caller's proof of identity on `agents.ask` and `agents.<agent>.ask`: `Bearer <token>`, a
   * signed token (JWT, EdDSA) whose subject is the user. Checked when the services have the token
   * public key (`SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE`); never copied onto a task.
   */
  authorization: 'Authorization',
  /**
   * Set on a task published again by an operator (`npm run dlq -- replay`): the same task id with a
   * fresh delivery count, so the agent must check the session before running it.
   */
  replay: 'Switchboard-Replay',
  /**
   * The caller wants the answer streamed too: chunks go to `chunks.<streamId>` (docs/streaming.md).
   * A safe token the caller chose; copied onto the task like the deadline.
   */
  streamId: 'Switchboard-Stream',
  /** A chunk's place in its stream, 1-based. */
  chunkSeq: 'Switchboard-Chunk-Seq',
  /** `true` on the last chunk of an answer. */
  chunkFinal: 'Switchboard-Chunk-Final',
  /** `true` on the record of the final reply, stored after the last chunk. */
  chunkReply: 'Switchboard-Chunk-Reply',
  /**
   * `true` on a chunk that starts the answer again: the text streamed before it is void (a retried
   * LLM call, a new tool round, a fallback, a redelivered task; docs/streaming.md).
   */
  chunkRestart: 'Switchboard-Chunk-Restart',
  /** W3C trace context. */
  traceparent: 'traceparent',
  /** NATS micro error headers, set on error replies so `nats req` shows them. */
  microError: 'Nats-Service-Error',
  microErrorCode: 'Nats-Service-Error-Code',
} as const;
