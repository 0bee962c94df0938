import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { WorkflowConsumers } from '@switchboard/contracts';
import { sleep, workflowAckWaitMs } from '@switchboard/runtime';
import { startEventConsumer } from '../workflows/event-consumer.js';
import { isOverdue } from './record.js';
import { type OwnerParts, settleApproval } from './settle.js';

/** One pass over the bucket: settles every approval of this agent that is overdue or decided but not applied. */
export async function sweepApprovals(parts: OwnerParts): Promise<number> {
  const { desk } = parts;
  let settled = 0;
  for (const r of await desk.store.list()) {
    if (r.owner !== desk.agent) continue;
    const due = isOverdue(r, desk.now()) || (r.status !== 'pending' && !r.applied);
    if (!due) continue;
    try {
      await settleApproval(parts, r.approvalId);
      settled++;
    } catch (err) {
      desk.log.warn({ err, approvalId: r.approvalId }, 'approval not settled yet: next sweep');
    }
  }
  return settled;
}

/**
 * The owner's side of the approval flow, for as long as the service runs:
 * - a durable consumer of `events.*.approval_decided` (the `approval` row of `WorkflowConsumers`)
 *   settles a decision as soon as it is published, whichever agent recorded it;
 * - a sweeper, every `sweepMs`, expires overdue approvals and settles any decision whose event was
 *   lost (the deciding process died between its write and its publish).
 * Both read the truth from the `approvals` bucket and settle idempotently, so any number of
 * instances may run them, and a restart resumes from the bucket.
 */
export async function startApprovalOwner(
  parts: OwnerParts & { js: JetStreamClient; jsm: JetStreamManager },
): Promise<{ stop(): Promise<void> }> {
  const { desk } = parts;
  const row = WorkflowConsumers.find((c) => c.agent === desk.agent && c.flow === 'approval');
  const consumer = row
    ? await startEventConsumer({
        js: parts.js,
        jsm: parts.jsm,
        log: desk.log,
        consumer: row,
        ackWaitMs: workflowAckWaitMs(),
        handle: async (event) => {
          const id = event.data?.approvalId;
          if (typeof id === 'string') await settleApproval(parts, id);
        },
      })
    : undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sweepApprovals(parts).catch((err: unknown) => desk.log.warn({ err }, 'approval sweep failed'));
      for (let waited = 0; waited < desk.settings.sweepMs && !stopped; waited += 100)
        await sleep(Math.min(100, desk.settings.sweepMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await consumer?.stop();
      await loop;
    },
  };
}
