import { describe, expect, it } from 'vitest';
import { SwitchboardError } from './errors.js';
import { isInboxSubject, isSafeToken, Names, Subjects } from './subjects.js';

describe('subject builders', () => {
  it('build the subjects of docs/architecture.md', () => {
    expect(Subjects.ask).toBe('agents.ask');
    expect(Subjects.agentAsk('hr')).toBe('agents.hr.ask');
    expect(Subjects.agentTools('hr')).toBe('agents.hr.tools');
    expect(Subjects.task('finance')).toBe('tasks.finance');
    expect(Subjects.event('hr', 'leave_requested')).toBe('events.hr.leave_requested');
    expect(Subjects.deadLetter('hr')).toBe('dlq.hr');
    expect(Names.agentConsumer('hr')).toBe('agent-hr');
  });
  it('build the names the NATS permissions are generated from', () => {
    expect(Names.agentDataBucket('hr')).toBe('hr_data');
    expect(Names.bucketStream(Names.sessionsBucket)).toBe('KV_sessions');
    expect(Subjects.bucketKeys('agents')).toBe('$KV.agents.>');
    expect(Subjects.maxDeliveriesAdvisory('finance')).toBe(
      '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.AGENT_TASKS.agent-finance',
    );
    expect(Subjects.identityInbox('gateway')).toBe('_INBOX.gateway');
    expect(isInboxSubject(`${Subjects.identityInbox('gateway')}.abc.1`)).toBe(true);
    expect(() => Subjects.identityInbox('a.>')).toThrow(SwitchboardError);
    expect(() => Names.bucketStream('x>')).toThrow(SwitchboardError);
  });
  it.each(['a.>', '*', '>', 'a b', '', 'a\tb', 'a.b', 'x'.repeat(65), 'é'])(
    'reject the unsafe token %j',
    (token) => {
      expect(isSafeToken(token)).toBe(false);
      expect(() => Subjects.task(token)).toThrow(SwitchboardError);
      expect(() => Subjects.agentAsk(token)).toThrow(/not a safe subject token/);
    },
  );
  it('no stream subject captures agents.> or _INBOX.>', () => {
    for (const s of [Subjects.allTasks, Subjects.allEvents, Subjects.allDeadLetters]) {
      expect(s.startsWith('agents.')).toBe(false);
      expect(s.startsWith('_INBOX')).toBe(false);
      expect(s).not.toBe('>');
    }
  });
});
