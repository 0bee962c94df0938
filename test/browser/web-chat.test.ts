// The web chat page in a real browser: a nats-server and the four real services (the e2e harness),
// then Debian's Chromium driven by playwright-core (never a downloaded browser). It loads the page,
// watches the status strip, asks HR and Finance with streamed answers, follows up in the session,
// ends it, shows a typed error, and sees hr drop to 0 alive once its only instance is killed.
// Screenshots go to .turbo/artifacts/web-chat/; with UPDATE_SCREENSHOTS=1 one also goes to
// docs/images/web-chat.png.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayStatus, Limits } from '@switchboard/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, useStack } from '../e2e/harness.js';
import { artifactsDir, type Browser, launchChromium, requireChromium } from './chromium.js';

const docsImage = join(repoRoot, 'docs', 'images', 'web-chat.png');

let browser: Browser | undefined;
let page: Page;

// Registered before the stack's hooks, so a missing browser fails the file before anything starts.
beforeAll(() => requireChromium());
const stack = useStack();

beforeAll(async () => {
  browser = await launchChromium();
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
}, 30_000);

const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`) });

/** The last answer bubble once it is final (not pending). */
async function lastAnswer() {
  const answer = page.locator('#log li.answer').last();
  await expect.poll(() => answer.getAttribute('class'), { timeout: 20_000 }).not.toContain('pending');
  return {
    agent: await answer.getAttribute('data-agent'),
    status: await answer.getAttribute('data-status'),
    chunks: Number(await answer.getAttribute('data-chunks')),
    code: await answer.getAttribute('data-code'),
    text: (await answer.locator('.text').textContent()) ?? '',
  };
}

async function askOnPage(text: string) {
  const before = await page.locator('#log li.answer').count();
  await page.fill('#question', text);
  await page.click('#send');
  await expect.poll(() => page.locator('#log li.answer').count()).toBe(before + 1);
  return lastAnswer();
}

// Evaluated in the page (test/ has no DOM types).
/** The page's window, as far as the test reads it. */
interface Window {
  getComputedStyle(el: unknown): { color: string };
}
const storedUserId = () => page.evaluate<string | null>("sessionStorage.getItem('switchboard.userId')");
const sessionId = () => page.locator('#session').getAttribute('data-session-id');
const aliveOf = (agent: string) =>
  page.locator(`#status-agents [data-agent="${agent}"]`).getAttribute('data-alive', { timeout: 1000 });

describe('web chat page (Chromium)', () => {
  it('loads, and its status strip shows hr and finance alive', async () => {
    const res = await page.goto(`${stack.current.gatewayUrl}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('Switchboard chat');
    // Open mode: the user id says who asks (kept in sessionStorage).
    await page.click('#settings summary');
    await page.fill('#user-id', 'alice');
    await page.press('#user-id', 'Tab');
    await page.click('#settings summary');
    await expect.poll(() => aliveOf('hr'), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => aliveOf('finance'), { timeout: 15_000 }).toBe('1');
    expect(await page.locator('#status-breakers').getAttribute('data-open')).toBe('0');
    expect(await page.locator('#status-gateway').textContent()).toBe('gateway ready');
    // Each agent instance writes its own breakers into its card; the status carries them.
    const status = GatewayStatus.parse(await (await fetch(`${stack.current.gatewayUrl}/v1/status`)).json());
    const targets = (agent: string) =>
      status.agents.find((a) => a.agent === agent)?.instances[0]?.breakers.map((b) => b.target);
    expect(targets('hr')).toEqual(expect.arrayContaining(['hr_data', 'jetstream']));
    expect(targets('finance')).toEqual(expect.arrayContaining(['finance_data', 'jetstream']));
    expect(await storedUserId()).toBe('alice');
    await shot('01-loaded');
  });

  it('streams an HR answer, names hr, and keeps the session for a follow-up', async () => {
    const first = await askOnPage('how many vacation days do I have?');
    expect(first).toMatchObject({ agent: 'hr', status: 'answered' });
    expect(first.chunks).toBeGreaterThan(0);
    expect(first.text).toMatch(/vacation days left/);
    const session = await sessionId();
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.locator('#session .agent-name').textContent()).toBe('hr');

    const followUp = await askOnPage('and how many are left for me?');
    expect(followUp).toMatchObject({ agent: 'hr', status: 'answered' });
    expect(await sessionId()).toBe(session);
    await shot('02-hr-session');

    await page.click('#end-session');
    await expect.poll(() => page.locator('#log li.answer').last().getAttribute('data-status')).toBe('ended');
    expect(await sessionId()).toBe('');
    expect(await page.locator('#end-session').isDisabled()).toBe(true);
  });

  it('answers a finance question in a new session, named finance', async () => {
    // carol (finance) may read a department's budget.
    await page.click('#settings summary');
    await page.fill('#user-id', 'carol');
    await page.press('#user-id', 'Tab');
    await page.click('#settings summary');
    const answer = await askOnPage('what is the remaining budget of engineering?');
    expect(answer).toMatchObject({ agent: 'finance', status: 'answered' });
    expect(answer.chunks).toBeGreaterThan(0);
    expect(await sessionId()).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.locator('#log li.answer[data-agent="hr"] .agent-name').first().textContent()).toBe(
      'hr',
    );
    // The two agents in different colours.
    const hue = (agent: string) =>
      page
        .locator(`#log li.answer[data-agent="${agent}"] .agent-name`)
        .first()
        .evaluate((el) => (globalThis as unknown as Window).getComputedStyle(el).color);
    expect(await hue('hr')).not.toBe(await hue('finance'));
    await shot('03-finance');
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await mkdir(join(repoRoot, 'docs', 'images'), { recursive: true });
      await page.screenshot({ path: docsImage });
    }
  });

  it('resumes a dropped stream with Last-Event-ID and gets the rest of the answer once', async () => {
    // The real answer, cut after its first chunk as if the connection dropped there.
    let chunksSent = 0;
    await page.route('**/v1/ask', async (route) => {
      const res = await route.fetch();
      const body = await res.text();
      chunksSent = body.split('event: chunk').length - 1;
      const cut = body.indexOf('\n\n', body.indexOf('event: chunk')) + 2;
      await route.fulfill({ response: res, body: body.slice(0, cut) });
    });
    const resumed = page.waitForRequest((r) => r.url().includes('/v1/streams/'));
    try {
      await page.click('#end-session');
      await lastAnswer();
      const answer = await askOnPage('what is the parental leave policy?');
      const request = await resumed;
      expect(answer).toMatchObject({ agent: 'hr', status: 'answered' });
      expect(chunksSent).toBeGreaterThan(1);
      // Chunk 1 from the cut stream, the others from the resume: each once.
      expect(answer.chunks).toBe(chunksSent);
      expect(answer.text).toMatch(/Parental leave/);
      expect(request.headers()['last-event-id']).toMatch(/^[0-9a-f]{32}:1$/);
      expect(await page.locator('#error').isVisible()).toBe(false);
    } finally {
      await page.unroute('**/v1/ask');
    }
  });

  it("renders a finished answer's Markdown as elements, and HTML in it as text", async () => {
    // The real answer, its reply's text swapped for Markdown as Claude writes it.
    const markdown = [
      'You have **12 days** left:',
      '',
      '- 10 this year',
      '- 2 carried over',
      '',
      'See [the leave policy](https://example.com/leave). <img src=x onerror="document.title=1">',
    ].join('\n');
    await page.route('**/v1/ask', async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace(/event: reply\ndata: (.*)\n/, (_m, data: string) => {
        return `event: reply\ndata: ${JSON.stringify({ ...JSON.parse(data), text: markdown })}\n`;
      });
      await route.fulfill({ response: res, body });
    });
    try {
      await askOnPage('how many vacation days do I have?');
      const text = page.locator('#log li.answer').last().locator('.text.markdown');
      expect(await text.locator('p').count()).toBe(2);
      expect(await text.locator('strong').textContent()).toBe('12 days');
      expect(await text.locator('ul > li').allTextContents()).toEqual(['10 this year', '2 carried over']);
      const link = text.locator('a');
      expect(await link.getAttribute('href')).toBe('https://example.com/leave');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      // The tag is shown, not made: no image element, the page's title untouched.
      expect(await text.locator('img').count()).toBe(0);
      expect(await text.locator('p').last().textContent()).toContain(
        '<img src=x onerror="document.title=1">',
      );
      expect(await page.title()).not.toBe('1');
      await shot('03b-markdown');
    } finally {
      await page.unroute('**/v1/ask');
    }
  });

  it('picks the open session up again after a reload, and forgets it once ended', async () => {
    // A session of its own: end the one the earlier tests left open.
    if (!(await page.locator('#end-session').isDisabled())) {
      await page.click('#end-session');
      await expect
        .poll(() => page.locator('#log li.answer').last().getAttribute('data-status'))
        .toBe('ended');
    }
    const first = await askOnPage('how many sick days do I have?');
    expect(first).toMatchObject({ agent: 'hr', status: 'answered' });
    const session = await sessionId();
    expect(session).toMatch(/^[0-9a-f]{32}$/);

    await page.reload();
    // The conversation comes back from GET /v1/sessions/<id>: the question and the answer, as before.
    await expect.poll(() => sessionId()).toBe(session);
    expect(await page.locator('#log li.question').allTextContents()).toEqual([
      'how many sick days do I have?',
    ]);
    const restored = page.locator('#log li.answer[data-restored="true"]');
    expect(await restored.count()).toBe(1);
    expect(await restored.getAttribute('data-agent')).toBe('hr');
    expect(await restored.locator('.text').textContent()).toBe(first.text);
    expect(await page.locator('#end-session').isDisabled()).toBe(false);

    // A follow-up continues the same session.
    const followUp = await askOnPage('and vacation days?');
    expect(followUp).toMatchObject({ agent: 'hr', status: 'answered' });
    expect(await sessionId()).toBe(session);

    await page.click('#end-session');
    await expect.poll(() => page.locator('#log li.answer').last().getAttribute('data-status')).toBe('ended');
    await page.reload();
    await expect.poll(() => page.locator('#status').getAttribute('data-updated')).not.toBeNull();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('switchboard.sessionId')")).toBeNull();
    expect(await page.locator('#log li').count()).toBe(0);
    expect((await sessionId()) ?? '').toBe('');
  });

  it('shows the typed error of a refused question', async () => {
    expect(await storedUserId()).toBe('carol');
    const answer = await askOnPage('');
    expect(answer.code).toBe('invalid_request');
    const error = page.locator('#error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.getAttribute('data-code')).toBe('invalid_request');
    expect(await error.textContent()).toMatch(/^invalid_request: .+\(text: .+\)$/);
    await shot('04-error');
    // The next answer clears it.
    await askOnPage('what is the travel policy?');
    expect(await error.isVisible()).toBe(false);
  });

  it('shows hr with 0 alive within the card TTL once its only instance is killed', async () => {
    const hr = stack.current.get('hr-agent');
    const killedAt = Date.now();
    // A crash: no graceful stop, so the card stays until its heartbeat is older than the TTL.
    await hr.stop('SIGKILL');
    await expect
      .poll(() => aliveOf('hr'), { timeout: Limits.cardTtlSeconds * 1000 + 8000, interval: 250 })
      .toBe('0');
    const tookMs = Date.now() - killedAt;
    process.stdout.write(`hr shown with 0 alive ${tookMs} ms after the kill\n`);
    expect(tookMs).toBeLessThan(Limits.cardTtlSeconds * 1000 + 8000);
    expect(await aliveOf('finance')).toBe('1');
    await shot('05-hr-down');
    expect(browser?.problems).toEqual([]);
  }, 60_000);
});
