/** Size limits enforced at every boundary. */
export const Limits = {
  /** Largest accepted request payload, in bytes (JSON or plain text). */
  maxPayloadBytes: 32 * 1024,
  /** Longest accepted request text, in characters (after trimming). */
  maxTextChars: 4000,
  /** Turns kept in a session's history; the oldest are dropped first. */
  maxSessionTurns: 50,
  /** Seconds an agent's capability card lives without a heartbeat. */
  cardTtlSeconds: 15,
} as const;
