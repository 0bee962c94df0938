import { AskReply, AskRequest } from './ask.js';
import { CapabilityCard } from './card.js';
import {
  ApprovalDecidedData,
  EmployeeCreatedData,
  ExpenseSubmittedData,
  LeaveCancelledData,
  LeaveRequestedData,
  OnboardingEndedData,
  OnboardingFailedData,
  OnboardingFundedData,
  SwitchboardEvent,
} from './events.js';
import { Saga, SagaReply } from './saga.js';
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
  'event-data-hr-employee-created': EmployeeCreatedData,
  'event-data-finance-onboarding-funded': OnboardingFundedData,
  'event-data-finance-onboarding-failed': OnboardingFailedData,
  'event-data-hr-employee-onboarding-ended': OnboardingEndedData,
  'event-data-approval-decided': ApprovalDecidedData,
  saga: Saga,
  'saga-reply': SagaReply,
} as const;
