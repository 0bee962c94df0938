// The web chat page against the secure stack (TLS, NATS identities, tokens checked): without a
// token the status strip shows the typed refusal; with alice's demo token in the connection fields
// the strip fills in and an HR answer streams for alice. The gateway's listing of the `agents`
// bucket for /v1/status stays within its NATS permissions.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SecureStack, startSecureStack } from '../security/harness.js';
import { artifactsDir, type Browser, launchChromium, requireChromium } from './chromium.js';

let browser: Browser | undefined;
let secure: SecureStack | undefined;

beforeAll(async () => {
  requireChromium();
  secure = await startSecureStack();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await secure?.stop();
}, 60_000);
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (secure) process.stderr.write(`\n${secure.stack.diagnostics()}\n`);
  });
});

describe('web chat page in secure mode (Chromium)', () => {
  it('shows the refusal without a token, then streams alice an answer with hers', async () => {
    const page = browser!.page;
    await page.goto(`${secure!.stack.gatewayUrl}/chat`);
    const gateway = page.locator('#status-gateway');
    await expect
      .poll(() => gateway.textContent(), { timeout: 10_000 })
      .toBe('status unavailable: unauthorized');

    await page.click('#settings summary');
    await page.fill('#token', secure!.tokens.alice!);
    await page.press('#token', 'Tab');
    await expect.poll(() => gateway.textContent(), { timeout: 10_000 }).toBe('gateway ready');
    const alive = (agent: string) =>
      page.locator(`#status-agents [data-agent="${agent}"]`).getAttribute('data-alive');
    await expect.poll(() => alive('hr'), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => alive('finance'), { timeout: 15_000 }).toBe('1');

    await page.fill('#question', 'how many vacation days do I have?');
    await page.click('#send');
    const answer = page.locator('#log li.answer').last();
    await expect.poll(() => answer.getAttribute('class'), { timeout: 20_000 }).not.toContain('pending');
    expect(await answer.getAttribute('data-agent')).toBe('hr');
    expect(Number(await answer.getAttribute('data-chunks'))).toBeGreaterThan(0);
    expect(await answer.locator('.text').textContent()).toMatch(/vacation days left/);
    await page.screenshot({ path: join(artifactsDir, 'secure-01-answer.png') });

    expect(browser!.problems).toEqual([]);
    const violations = secure!.secure.server
      .output()
      .split('\n')
      .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
    expect(violations).toEqual([]);
  }, 60_000);
});
