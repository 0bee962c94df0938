import { z } from 'zod';
import type { Employee } from '../domain/schemas.js';

/** The employee a tool input names: id or name; omitted means the asker. */
export const EmployeeRef = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe('Employee id or name (e.g. "alice"). Omit for the person asking; access rules still apply.');

/** A short employee reference in outputs. */
export const PersonRef = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof PersonRef>;

export const person = (e: Employee): PersonRef => ({ id: e.id, name: e.name });

export const BalanceOut = z.object({
  entitlement: z.number(),
  taken: z.number(),
  booked: z.number(),
  remaining: z.number(),
});

export const RequestOut = z.object({
  id: z.string(),
  type: z.enum(['vacation', 'sick']),
  start: z.string(),
  end: z.string(),
  days: z.number(),
  status: z.enum(['approved', 'cancelled', 'pending_approval', 'rejected']),
  /** Relative to today: upcoming, in progress, taken, cancelled; or waiting for approval, rejected. */
  state: z.enum(['upcoming', 'in_progress', 'taken', 'cancelled', 'awaiting_approval', 'rejected']),
  requestedBy: z.string(),
  note: z.string().optional(),
});
export type RequestOut = z.infer<typeof RequestOut>;
