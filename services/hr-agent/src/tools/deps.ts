import type { ApprovalDesk } from '@switchboard/agent-kit';
import type { HrStore } from '../store.js';

/** What every HR tool is built with. */
export interface HrToolDeps {
  store: HrStore;
  /** Today's date (`YYYY-MM-DD`) in the company's time zone; injectable for tests. */
  today: () => string;
  /** The clock, for the timestamps stored on requests. */
  now: () => Date;
  /** The shared approvals: long vacation waits there for the manager (absent: booked at once, as before). */
  approvals?: ApprovalDesk | undefined;
}
