import { AskReply, AskRequest } from './ask.js';
import { CapabilityCard } from './card.js';
import { ExpenseSubmittedData, LeaveCancelledData, LeaveRequestedData, SwitchboardEvent } from './events.js';
import { Session, SessionView, TurnRecorded } from './session.js';
import { Task } from './task.js';

/** Every wire schema, by the file name its JSON Schema is exported to (`libs/contracts/schema/`). */
export const wireSchemas = {
  'ask-request': AskRequest,
  'ask-reply': AskReply,
  task: Task,
  session: Session,
  'session-view': SessionView,
  'turn-recorded': TurnRecorded,
  'capability-card': CapabilityCard,
  event: SwitchboardEvent,
  'event-data-hr-leave-requested': LeaveRequestedData,
  'event-data-hr-leave-cancelled': LeaveCancelledData,
  'event-data-finance-expense-submitted': ExpenseSubmittedData,
} as const;
