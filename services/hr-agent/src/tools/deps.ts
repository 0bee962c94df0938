import type { HrStore } from '../store.js';

/** What every HR tool is built with. */
export interface HrToolDeps {
  store: HrStore;
  /** Today's date (`YYYY-MM-DD`) in the company's time zone; injectable for tests. */
  today: () => string;
  /** The clock, for the timestamps stored on requests. */
  now: () => Date;
}
