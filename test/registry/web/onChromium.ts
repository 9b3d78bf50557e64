import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';
import { testChromiumPath } from '../../../core/config/config.ts';

/**
 * Runs a browser suite in the machine's Chromium (Debian's `chromium` package, driven by
 * playwright-core: nothing is downloaded) when there is one; otherwise registers it as skipped and
 * says why, like the PostgreSQL suites. CI installs Chromium and fails when a browser suite skipped.
 */
export function onChromium(suite: string, run: (launch: () => Promise<Browser>) => void): void {
  const executablePath = testChromiumPath();
  if (executablePath) {
    run(() => launchChromium(executablePath));
    return;
  }
  describe.skip(`${suite} in Chromium`, () => {
    it('needs Chromium (apt-get install chromium, or TESSERA_TEST_CHROMIUM=/path/to/chromium)', () => {});
  });
  console.warn(`Browser suite "${suite}" skipped: install Chromium (apt-get install chromium) or set TESSERA_TEST_CHROMIUM to run it.`);
}

export interface Browser {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile of its own, kept off the network beyond what the page asks for. */
async function launchChromium(executablePath: string): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
