/**
 * The IDE (issue 11): the headers a person types (the bearer token) are still there after a
 * reload, and in development an anonymous query answers UNAUTHENTICATED with the hint saying how
 * to get a token; with the token from the headers the same query answers. In Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKEN_HINT } from '../../gateway/http/tokenHint.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { onChromium, type Browser } from '../registry/web/onChromium.ts';

const QUERY = '{ projects(first: 1) { totalCount } }';
/** The page's globals as the scripts run in it see them (this file's TypeScript lib has no DOM); only a type, erased. */
interface PageGlobals {
  readonly document: { querySelector(selector: string): unknown };
  readonly localStorage: { getItem(key: string): string | null };
}

/** Where the screenshots go (overwritten by each run). */
const SCREENSHOTS = path.join(os.tmpdir(), 'tessera-ide-screenshots');

onChromium('The IDE', (launch) => {
  describe('The IDE', () => {
    let tessera: TestTessera;
    let browser: Browser;
    let origin: string;
    let token: string;

    beforeAll(async () => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      tessera = await startTestTessera({ scale: 'none' });
      origin = new URL(tessera.url).origin;
      token = await tessera.token({ sub: 'ide-user', scope: 'psa:read', legal_entities: '*' });
      browser = await launch();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await tessera?.stop();
    });

    /** Runs the query in the editor and gives back the response pane's JSON once it shows a new one. */
    async function run(page: Page): Promise<unknown> {
      const responseText = () =>
        (
          (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-response .CodeMirror') as unknown as {
            CodeMirror: { getValue(): string };
          }
        ).CodeMirror.getValue();
      await page.evaluate(() =>
        (
          (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-response .CodeMirror') as unknown as {
            CodeMirror: { setValue(text: string): void };
          }
        ).CodeMirror.setValue(''),
      );
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.waitForFunction(responseText, undefined, { timeout: 15_000 });
      const answer = JSON.parse(await page.evaluate(responseText)) as Record<string, unknown>;
      // The cost report (another concern) is left out: this test is about authentication.
      const { extensions: _, ...rest } = answer;
      return rest;
    }

    /** Replaces the content of the query editor, or of the headers editor (its tab opened first). */
    async function type(page: Page, editor: 'query' | 'headers', text: string): Promise<void> {
      if (editor === 'headers') await page.getByRole('button', { name: 'Headers', exact: true }).click();
      const target =
        editor === 'query'
          ? page.locator('.graphiql-query-editor .CodeMirror')
          : page.locator('section[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
      await target.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.insertText(text);
    }

    async function headersText(page: Page): Promise<string> {
      await page.getByRole('button', { name: 'Headers', exact: true }).click();
      return page.evaluate(() =>
        (
          (globalThis as unknown as PageGlobals).document.querySelector(
            'section[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror',
          ) as unknown as {
            CodeMirror: { getValue(): string };
          }
        ).CodeMirror.getValue(),
      );
    }

    it('says how to get a token, keeps the headers typed across a reload, and answers with them', async () => {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${origin}/`);
      await page.locator('.graphiql-container').waitFor();

      await type(page, 'query', QUERY);
      // GraphiQL takes an edit in (its operation name, then its storage) after a pause in typing, as a person pauses.
      await page.waitForFunction(
        (query) => (globalThis as unknown as PageGlobals).localStorage.getItem('graphiql:query') === query,
        QUERY,
        { timeout: 5_000 },
      );
      expect(await run(page)).toEqual({
        data: { projects: null },
        errors: [
          expect.objectContaining({
            path: ['projects'],
            extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', hint: DEVELOPMENT_TOKEN_HINT }),
          }),
        ],
      });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'unauthenticated.png') });

      const headers = `{"Authorization": "Bearer ${token}"}`;
      await type(page, 'headers', headers);
      expect(await headersText(page)).toBe(headers);

      // GraphiQL stores an edit after half a second without typing: a person's reload comes later than that.
      await page.waitForFunction(
        () =>
          ['graphiql:headers', 'graphiql:tabState'].every((key) =>
            (globalThis as unknown as PageGlobals).localStorage.getItem(key)?.includes('Bearer'),
          ),
        undefined,
        { timeout: 5_000 },
      );
      await page.reload();
      await page.locator('.graphiql-container').waitFor();
      expect(await headersText(page)).toBe(headers);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'after-reload.png') });

      expect(await run(page)).toEqual({ data: { projects: { totalCount: 0 } } });
      expect(problems).toEqual([]);
      await page.close();
      // What a person sees is kept for a look (a blank or error page would be a few KB).
      for (const name of ['unauthenticated.png', 'after-reload.png']) {
        expect(fs.statSync(path.join(SCREENSHOTS, name)).size).toBeGreaterThan(10_000);
      }
    }, 60_000);

    it('loads the schema for its documentation and completion: its introspection query passes the operation limits', async () => {
      const page = await browser.context.newPage();
      await page.goto(`${origin}/`);
      await page.locator('.graphiql-container').waitFor();
      await page.getByRole('button', { name: /Documentation Explorer/ }).click();
      const explorer = page.getByRole('region', { name: 'Documentation Explorer' });
      await explorer.locator('.graphiql-doc-explorer-root-type', { hasText: 'query' }).waitFor({ timeout: 10_000 });
      expect(await explorer.locator('.graphiql-doc-explorer-root-type').allInnerTexts()).toEqual(['query', 'mutation']);
      await page.close();
    }, 30_000);
  });
});
