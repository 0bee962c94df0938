import { describe, expect, it } from 'vitest';
import { fakeText, startFakeMessagesApi } from './fake-messages-api.js';

const post = (url: string, path = '/v1/messages') =>
  fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });

describe('startFakeMessagesApi', () => {
  it('answers the script in order, then a loud 500, and counts what it did not expect', async () => {
    const api = await startFakeMessagesApi([fakeText('one')]);
    try {
      const first = await post(api.url);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { content: unknown }).content).toEqual([{ type: 'text', text: 'one' }]);
      expect((await post(api.url)).status).toBe(500);
      expect((await post(api.url, '/v1/complete')).status).toBe(404);
      expect(api.unexpected()).toBe(2);
      expect(api.requests.map((r) => r.body.model)).toEqual(['m', 'm']);
    } finally {
      await api.close();
    }
  });

  it('serves a bench without keeping requests: whenExhausted for all, count on GET /stats', async () => {
    const api = await startFakeMessagesApi([], { whenExhausted: fakeText('always'), record: false });
    try {
      for (let i = 0; i < 3; i++) expect((await post(api.url)).status).toBe(200);
      expect(await (await fetch(`${api.url}/stats`)).json()).toEqual({ requests: 3 });
      expect(api.count()).toBe(3);
      expect(api.requests).toEqual([]);
      expect(api.unexpected()).toBe(0);
    } finally {
      await api.close();
    }
  });
});
