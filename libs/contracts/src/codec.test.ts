import { describe, expect, it } from 'vitest';
import { decodeAskRequest, errorReply, validateAskRequest } from './codec.js';
import { SwitchboardError } from './errors.js';
import { Limits } from './limits.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof SwitchboardError ? err.code : 'not typed';
  }
  return 'no error';
};

describe('decodeAskRequest over NATS (plain text allowed)', () => {
  it('takes a payload that is not JSON as the text', () => {
    expect(decodeAskRequest(bytes('how many vacation days do I have?'), { plainText: true })).toEqual({
      text: 'how many vacation days do I have?',
    });
  });
  it('takes malformed JSON as text instead of failing', () => {
    expect(decodeAskRequest(bytes('{"text": '), { plainText: true })).toEqual({ text: '{"text":' });
  });
  it('parses JSON requests and trims the text', () => {
    expect(
      decodeAskRequest(bytes('{"text":"  hi  ","userId":"alice","sessionId":"s1"}'), { plainText: true }),
    ).toEqual({
      text: 'hi',
      userId: 'alice',
      sessionId: 's1',
    });
  });
  it('refuses empty and whitespace-only text', () => {
    expect(codeOf(() => decodeAskRequest(bytes(''), { plainText: true }))).toBe('invalid_request');
    expect(codeOf(() => decodeAskRequest(bytes('   \n'), { plainText: true }))).toBe('invalid_request');
    expect(codeOf(() => decodeAskRequest(bytes('{"text":"   "}'), { plainText: true }))).toBe(
      'invalid_request',
    );
  });
  it('refuses text over the character limit with payload_too_large', () => {
    const long = 'a'.repeat(Limits.maxTextChars + 1);
    expect(codeOf(() => decodeAskRequest(bytes(long), { plainText: true }))).toBe('payload_too_large');
    expect(codeOf(() => decodeAskRequest(bytes(JSON.stringify({ text: long })), { plainText: true }))).toBe(
      'payload_too_large',
    );
  });
  it('refuses payloads over the byte limit before parsing', () => {
    const big = bytes(JSON.stringify({ text: 'a', pad: 'x'.repeat(Limits.maxPayloadBytes) }));
    expect(codeOf(() => decodeAskRequest(big, { plainText: true }))).toBe('payload_too_large');
  });
  it('refuses unknown fields and wrong types with the zod issues', () => {
    try {
      decodeAskRequest(bytes('{"text":5,"extra":true}'), { plainText: true });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SwitchboardError);
      const e = err as SwitchboardError;
      expect(e.code).toBe('invalid_request');
      expect(JSON.stringify(e.details)).toMatch(/text/);
      expect(JSON.stringify(e.details)).toMatch(/extra/);
    }
  });
  it('refuses unsafe session ids', () => {
    for (const sessionId of ['a.>', '*', 'a b', '', 'x'.repeat(65), '../etc']) {
      expect(codeOf(() => validateAskRequest({ text: 'hi', sessionId }))).toBe('invalid_request');
    }
  });
  it('refuses bytes that are not UTF-8', () => {
    expect(codeOf(() => decodeAskRequest(new Uint8Array([0xff, 0xfe, 0x00]), { plainText: true }))).toBe(
      'invalid_request',
    );
  });
});

describe('decodeAskRequest over HTTP (JSON only)', () => {
  it('refuses malformed JSON', () => {
    expect(codeOf(() => decodeAskRequest(bytes('{"text": '), { plainText: false }))).toBe('invalid_request');
    expect(codeOf(() => decodeAskRequest(bytes('hello'), { plainText: false }))).toBe('invalid_request');
  });
});

describe('errorReply', () => {
  it('keeps code, message and details of typed errors', () => {
    expect(
      errorReply(new SwitchboardError('unknown_session', 'no such session', { details: { id: 'x' } })),
    ).toEqual({
      ok: false,
      error: { code: 'unknown_session', message: 'no such session', details: { id: 'x' } },
    });
  });
  it('hides the detail of unexpected errors', () => {
    expect(errorReply(new Error('db password is hunter2'))).toEqual({
      ok: false,
      error: { code: 'internal', message: 'internal error' },
    });
  });
});
