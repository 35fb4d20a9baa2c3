// A real browser for the site tests: the system's Debian chromium driven by playwright-core (never a
// downloaded browser). Without chromium, browser tests skip locally with install instructions, but fail
// in CI (CI=true), where a missing browser must not pass as green.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';

/** Why the browser tests are skipped, or null when they run (always null in CI). */
export function browserSkipReason(): string | null {
  if (IN_CI || existsSync(CHROMIUM_PATH)) return null;
  return `chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH) to run the browser tests`;
}

/** A headless chromium; playwright gives every launch a fresh temporary profile (user data dir). */
export async function launchBrowser(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    throw new Error(
      `chromium at ${CHROMIUM_PATH} could not start (${(err as Error).message.split('\n')[0]}); ` +
        `install it with 'apt-get install -y chromium'`,
    );
  }
}

/** Everything that went wrong on a page: console errors, uncaught exceptions, failed or 4xx/5xx requests. */
export function watchProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught on ${page.url()}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  context.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
