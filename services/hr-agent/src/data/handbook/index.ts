import type { HandbookEntry } from '@switchboard/agent-kit';
import { benefitsEntries } from './benefits.js';
import { conductEntries } from './conduct.js';
import { growthEntries } from './growth.js';
import { joiningEntries } from './joining.js';
import { leaveEntries } from './leave.js';
import { leavingEntries } from './leaving.js';
import { payEntries } from './pay.js';
import { performanceEntries } from './performance.js';

/** The HR agent's policy handbook: the leave policies, then the other areas. */
export const hrHandbook: readonly HandbookEntry[] = [
  ...leaveEntries,
  ...benefitsEntries,
  ...payEntries,
  ...leavingEntries,
  ...performanceEntries,
  ...conductEntries,
  ...joiningEntries,
  ...growthEntries,
];
