export {
  type ApprovalSettings,
  approvalSettings,
  DefaultApprovalSweepMs,
  DefaultApprovalTtlMs,
} from './config.js';
export { ApprovalsPending, listApprovals, withApprovals } from './conversation.js';
export {
  approvalsFor,
  type DecideOutcome,
  type Decision,
  decideApproval,
  decidedEvent,
  judge,
  markShown,
  seenIn,
} from './decide.js';
export {
  type AmendOutcome,
  type ApprovalAsk,
  type ApprovalDesk,
  amendApproval,
  type ChangeRefusal,
  createApprovalDesk,
  withdrawApproval,
} from './desk.js';
export {
  approverExpiryNotice,
  approverWithdrawnNotice,
  describeApproval,
  requesterNotice,
  requesterWithdrawnNotice,
} from './notices.js';
export { startApprovalOwner, sweepApprovals } from './owner.js';
export {
  ApprovalKind,
  ApprovalRecord,
  ApprovalRequest,
  ApprovalStatus,
  approvalDigest,
  approvalIdFor,
  canonicalJson,
  isOverdue,
} from './record.js';
export { type ApplyApproval, type ApplyResult, type OwnerParts, settleApproval } from './settle.js';
export { type ApprovalStore, createApprovalStore } from './store.js';
export { asksForApprovals, parseDecision } from './text.js';
export { approvalTools } from './tools.js';
