import { SwitchboardError } from '@switchboard/contracts';

/** How long an approval waits for a decision by default: 3 days. */
export const DefaultApprovalTtlMs = 3 * 24 * 60 * 60 * 1000;
/** How often an owner looks for expired and undelivered decisions by default: 30 s. */
export const DefaultApprovalSweepMs = 30_000;

/** The approval settings of a service. */
export interface ApprovalSettings {
  /** `APPROVAL_TTL_MS`: how long a request waits for its approver before it expires. */
  ttlMs: number;
  /** `APPROVAL_SWEEP_MS`: how often the owner marks overdue approvals expired and settles decisions. */
  sweepMs: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new SwitchboardError(
      'invalid_request',
      `${name} must be a whole number of milliseconds, got ${raw}`,
    );
  }
  return n;
}

/** Reads `APPROVAL_TTL_MS` and `APPROVAL_SWEEP_MS`; a bad value is a typed error. */
export function approvalSettings(env: NodeJS.ProcessEnv = process.env): ApprovalSettings {
  return {
    ttlMs: positive(env, 'APPROVAL_TTL_MS', DefaultApprovalTtlMs),
    sweepMs: positive(env, 'APPROVAL_SWEEP_MS', DefaultApprovalSweepMs),
  };
}
