// Debian's Chromium driven by playwright-core, for the browser tests: never a downloaded browser.
// A missing /usr/bin/chromium fails the test with how to install it (it is not skipped).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { repoRoot } from '../e2e/harness.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshots of the browser tests go (ignored by git, with the rest of `.turbo/`). */
export const artifactsDir = join(repoRoot, '.turbo', 'artifacts', 'web-chat');

/** Throws, with how to install it, when Debian's Chromium is not there. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); the browser tests never download a browser`,
    );
  }
}

/** A headless Chromium with a fresh profile, its first page, and the problems the page reported. */
export interface Browser {
  page: Page;
  /** Errors thrown by the page's scripts and Content-Security-Policy violations: there must be none. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  await mkdir(artifactsDir, { recursive: true });
  const userDataDir = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1000, height: 700 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  return {
    page,
    problems,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
