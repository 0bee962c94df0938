import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, messageLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes service, instance, request id and subject on every message line', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'router', instance: 'i1', destination });
    messageLogger(log, 'req-1', 'agents.ask').info('hello');
    expect(lines[0]).toMatchObject({
      service: 'router',
      instance: 'i1',
      requestId: 'req-1',
      subject: 'agents.ask',
      msg: 'hello',
    });
  });
  it('redacts secrets and personal fields', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 's', destination });
    log.info(
      {
        apiKey: 'sk-secret',
        req: { headers: { authorization: 'Bearer x' } },
        user: { email: 'a@b.c' },
        text: 'my salary',
      },
      'x',
    );
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('sk-secret');
    expect(line).not.toContain('Bearer x');
    expect(line).not.toContain('a@b.c');
    expect(line).not.toContain('my salary');
    expect(line).toContain('[redacted]');
  });
});
