import { AskReply, AskRequest } from './ask.js';
import { CapabilityCard } from './card.js';
import { SwitchboardEvent } from './events.js';
import { Session, SessionView } from './session.js';
import { Task } from './task.js';

/** Every wire schema, by the file name its JSON Schema is exported to (`libs/contracts/schema/`). */
export const wireSchemas = {
  'ask-request': AskRequest,
  'ask-reply': AskReply,
  task: Task,
  session: Session,
  'session-view': SessionView,
  'capability-card': CapabilityCard,
  event: SwitchboardEvent,
} as const;
