import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type CapabilityCard, encodeJson } from '@switchboard/contracts';
import { createLogger } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchRegistry } from './registry-view.js';

let server: NatsServer;
let nc: NatsConnection;
const log = createLogger({ service: 'test', level: 'silent' });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

function card(name: string, instanceId: string): CapabilityCard {
  const at = new Date().toISOString();
  return {
    name,
    description: `${name} agent`,
    intents: ['x'],
    examples: [`ask ${name}`],
    subject: `agents.${name}.ask`,
    version: '1',
    instanceId,
    startedAt: at,
    heartbeatAt: at,
  };
}

async function bucket(name: string): Promise<KV> {
  return new Kvm(nc).create(name, { history: 1 });
}

async function eventually(check: () => void, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('watchRegistry', () => {
  it('loads existing cards before it is ready, and counts instances per agent', async () => {
    const kv = await bucket('reg1');
    await kv.put('hr.a', encodeJson(card('hr', 'a')));
    await kv.put('hr.b', encodeJson(card('hr', 'b')));
    await kv.put('finance.c', encodeJson(card('finance', 'c')));
    const reg = await watchRegistry({ kv, log });
    await reg.ready;
    const views = reg.views();
    expect(views.find((v) => v.name === 'hr')?.instances).toBe(2);
    expect(views.find((v) => v.name === 'finance')?.instances).toBe(1);
    reg.stop();
  });

  it('sees a join, a graceful leave (deleted card) and a third agent type', async () => {
    const kv = await bucket('reg2');
    const reg = await watchRegistry({ kv, log });
    await reg.ready;
    expect(reg.views()).toEqual([]);
    await kv.put('hr.a', encodeJson(card('hr', 'a')));
    await eventually(() => expect(reg.views().find((v) => v.name === 'hr')?.instances).toBe(1));
    await kv.put('it.z', encodeJson(card('it', 'z')));
    await eventually(() =>
      expect(
        reg
          .views()
          .map((v) => v.name)
          .sort(),
      ).toEqual(['hr', 'it']),
    );
    await kv.delete('hr.a');
    await eventually(() => expect(reg.views().find((v) => v.name === 'hr')?.instances).toBe(0));
    reg.stop();
  });

  it('forgets an instance whose card was not refreshed within the TTL', async () => {
    const kv = await bucket('reg3');
    let now = 1_000_000;
    const reg = await watchRegistry({ kv, log, ttlMs: 15_000, now: () => now });
    await kv.put('hr.a', encodeJson(card('hr', 'a')));
    await eventually(() => expect(reg.views()[0]?.instances).toBe(1));
    now += 14_000;
    expect(reg.views()[0]?.instances).toBe(1);
    now += 2_000;
    expect(reg.views()[0]?.instances).toBe(0);
    reg.stop();
  });

  it('hands out the same views until a card changes or an instance expires', async () => {
    const kv = await bucket('reg5');
    let now = 1_000_000;
    const reg = await watchRegistry({ kv, log, ttlMs: 15_000, now: () => now });
    await kv.put('hr.a', encodeJson(card('hr', 'a')));
    await eventually(() => expect(reg.views()[0]?.instances).toBe(1));
    const first = reg.views();
    now += 10_000;
    expect(reg.views()).toBe(first);
    await kv.put('hr.b', encodeJson(card('hr', 'b')));
    await eventually(() => expect(reg.views()[0]?.instances).toBe(2));
    const second = reg.views();
    expect(second).not.toBe(first);
    expect(reg.views()).toBe(second);
    now += 5_001; // hr.a's TTL has run out; hr.b was seen 10 s later
    expect(reg.views()[0]?.instances).toBe(1);
    expect(() => (second as unknown as unknown[]).push({ name: 'x' })).toThrow();
    reg.stop();
  });

  it('ignores invalid cards with a warning and keeps running', async () => {
    const kv = await bucket('reg4');
    const reg = await watchRegistry({ kv, log });
    await kv.put('bad.x', new TextEncoder().encode('not json'));
    await kv.put('hr.y', encodeJson({ ...card('hr', 'y'), intents: [] }));
    await kv.put('hr.wrongkey', encodeJson(card('hr', 'other')));
    await kv.put('finance.ok', encodeJson(card('finance', 'ok')));
    await eventually(() => expect(reg.views().map((v) => v.name)).toEqual(['finance']));
    reg.stop();
  });

  it('after its bucket is deleted and created again, a restart follows the cards written to the new one', async () => {
    const kv = await bucket('reg6');
    // Many revisions in the old stream: a watch resuming after them would skip the new stream's first ones.
    for (let i = 0; i < 20; i++) await kv.put('hr.a', encodeJson(card('hr', 'a')));
    const reg = await watchRegistry({ kv, log });
    await reg.ready;
    expect(reg.views()[0]?.instances).toBe(1);
    await kv.destroy();
    await bucket('reg6');
    await kv.put('hr.b', encodeJson(card('hr', 'b')));
    await kv.put('finance.c', encodeJson(card('finance', 'c')));
    await reg.restart();
    await eventually(() => {
      const views = reg.views();
      expect(views.find((v) => v.name === 'finance')?.instances).toBe(1);
      // hr.a is still counted until its TTL runs out; hr.b arrived through the new watch.
      expect(views.find((v) => v.name === 'hr')?.instances).toBe(2);
    });
    await kv.put('finance.d', encodeJson(card('finance', 'd')));
    await eventually(() => expect(reg.views().find((v) => v.name === 'finance')?.instances).toBe(2));
    reg.stop();
  });
});
