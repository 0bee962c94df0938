import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AskReply } from './ask.js';
import { CapabilityCard } from './card.js';
import { AgentName } from './ids.js';
import { renderJsonSchemas } from './json-schema.js';
import { Session, TurnRecorded } from './session.js';
import { Task } from './task.js';

const schemaDir = new URL('../schema/', import.meta.url);

describe('exported JSON Schema', () => {
  it('is up to date (run `npm run export-schemas -w @switchboard/contracts` after a build)', () => {
    const rendered = renderJsonSchemas();
    const files = readdirSync(schemaDir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      Object.keys(rendered)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const [name, text] of Object.entries(rendered)) {
      expect(readFileSync(new URL(`${name}.json`, schemaDir), 'utf8'), `schema/${name}.json is stale`).toBe(
        text,
      );
    }
  });
});

describe('wire schemas', () => {
  it('reserve the agent name none (no agent, in metrics and routing) and keep names like it', () => {
    expect(AgentName.safeParse('none').success).toBe(false);
    expect(AgentName.safeParse('none').error?.issues[0]?.message).toContain('not "none"');
    for (const name of ['hr', 'nonet', 'none2', 'no-ne', 'it_desk']) expect(AgentName.parse(name)).toBe(name);
    // The JSON Schema says the same.
    const schema = JSON.parse(
      readFileSync(new URL('../schema/capability-card.json', import.meta.url), 'utf8'),
    );
    expect(JSON.stringify(schema)).toContain('^(?!none$)[a-z][a-z0-9_-]{0,31}$');
  });

  const at = '2026-11-21T10:00:00.000Z';
  it('accept a valid task and refuse one with an unsafe agent or extra fields', () => {
    const task = {
      taskId: 't1',
      requestId: 'r1',
      sessionId: 's1',
      agent: 'hr',
      text: 'hi',
      newSession: true,
      createdAt: at,
    };
    expect(Task.parse(task)).toEqual(task);
    expect(Task.safeParse({ ...task, agent: 'h.r' }).success).toBe(false);
    expect(Task.safeParse({ ...task, extra: 1 }).success).toBe(false);
  });
  it('distinguish ok and error replies', () => {
    expect(AskReply.parse({ ok: true, status: 'clarify', sessionId: 's', agent: null, text: 'x' }).ok).toBe(
      true,
    );
    expect(AskReply.safeParse({ ok: false, error: { code: 'nope', message: 'x' } }).success).toBe(false);
    expect(AskReply.parse({ ok: false, error: { code: 'timeout', message: 'x' } }).ok).toBe(false);
  });
  it('validate session records and capability cards', () => {
    const s = {
      sessionId: 's1',
      agent: 'hr',
      status: 'open',
      createdAt: at,
      updatedAt: at,
      turns: [{ role: 'user', text: 'hi', at }],
    };
    expect(Session.parse(s).turns).toHaveLength(1);
    expect(Session.safeParse({ ...s, status: 'closed' }).success).toBe(false);
    expect(Session.parse({ ...s, openedBy: 't1' }).openedBy).toBe('t1');
    expect(Session.safeParse({ ...s, openedBy: 't.1' }).success).toBe(false);
    const card = {
      name: 'hr',
      description: 'HR',
      intents: ['leave'],
      examples: ['how many days?'],
      subject: 'agents.hr.ask',
      version: '1',
      instanceId: 'i1',
      startedAt: at,
      heartbeatAt: at,
    };
    expect(CapabilityCard.parse(card).name).toBe('hr');
    expect(CapabilityCard.safeParse({ ...card, intents: [] }).success).toBe(false);
  });
  it('describe a recorded turn: one or two turns of one task, a revision, answered or ended', () => {
    const question = { role: 'user', text: 'hi', at, taskId: 't1' };
    const answer = { role: 'agent', text: 'hello', at, taskId: 't1', status: 'answered', data: {} };
    const turn = {
      sessionId: 's1',
      agent: 'hr',
      userId: 'alice',
      taskId: 't1',
      status: 'answered',
      opened: true,
      turns: [question, answer],
      revision: 7,
      at,
    };
    expect(TurnRecorded.parse(turn)).toEqual(turn);
    expect(TurnRecorded.parse({ ...turn, turns: [answer], status: 'ended' }).turns).toHaveLength(1);
    for (const bad of [
      { ...turn, turns: [] },
      { ...turn, turns: [question, answer, answer] },
      { ...turn, status: 'open' },
      { ...turn, revision: 0 },
      { ...turn, opened: undefined },
      { ...turn, type: 'task.answered' },
    ]) {
      expect(TurnRecorded.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
