import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalPrincipalVerifier } from '../../../auth/internalPrincipal.ts';
import { issueDevToken } from '../../../auth/devToken.ts';
import { createTokenVerifier } from '../../../auth/verifyToken.ts';
import { loadConfig } from '../../../core/config/config.ts';
import { createLogger } from '../../../core/logger.ts';
import { createRegistryHttpHandler } from '../../../registry/http/handler.ts';
import { createRegistry, type LocalRegistry } from '../../../registry/service/createRegistry.ts';
import { openRegistryStore, type RegistryStore } from '../../../registry/store/openRegistryStore.ts';
import type { SubgraphDeclaration } from '../../../registry/types.ts';
import { registryPageAssets } from '../../../registry/page/assets.ts';
import { schemaOutline } from '../../../registry/page/schemaOutline.ts';
import { readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { logSink } from '../../harness/logSink.ts';
import { tempSqliteStore, type TempStore } from '../../harness/tempDatabase.ts';
import { onChromium, type Browser } from './onChromium.ts';

const DECLARATIONS: SubgraphDeclaration[] = [
  { name: 'crm', system: 'CRM', url: 'http://127.0.0.1:4101/graphql' },
  { name: 'psa', system: 'PSA', url: 'http://127.0.0.1:4102/graphql' },
  { name: 'erp', system: 'ERP', url: 'http://127.0.0.1:4103/graphql' },
  { name: 'integration', system: 'INTEGRATION', url: 'http://127.0.0.1:4104/graphql' },
];
const NOW = new Date('2026-05-04T09:30:00.000Z');
const CRM_V1 = readSubgraphSdl('crm');
/** The published change: a new nullable field on Account. */
const INDUSTRY = /^ {2}industry: String\b.*\n/m;
const CRM_V2 = CRM_V1.replace(INDUSTRY, (line) => `${line}  "The service tier agreed with the customer."\n  serviceTier: String\n`);
/** The failing proposal: Account.industry removed while a client uses it. */
const CRM_WITHOUT_INDUSTRY = CRM_V2.replace(INDUSTRY, '');

onChromium("The architects' page", (launch) => {
  describe("The architects' page", () => {
    let temp: TempStore;
    let keyDir: string;
    let store: RegistryStore;
    let registry: LocalRegistry;
    let server: http.Server;
    let base: string;
    let browser: Browser;
    let readToken: string;
    let crmOnlyToken: string;
    let failedCheckId: number;

    beforeAll(async () => {
      expect([CRM_V2.includes('serviceTier'), CRM_WITHOUT_INDUSTRY.includes('industry')]).toEqual([true, false]);
      temp = tempSqliteStore();
      keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keys-'));
      const config = loadConfig({ TESSERA_DATA_DIR: keyDir });
      const logger = createLogger('warn', logSink().stream);
      store = await openRegistryStore(temp.store);
      registry = createRegistry({
        db: store.db,
        declarations: DECLARATIONS,
        clock: () => NOW,
        usageWindowDays: 30,
        maxSdlBytes: 2 * 1024 * 1024,
        logger,
      });

      await registry.publishAll(
        DECLARATIONS.map((declaration) => ({
          subgraph: declaration.name,
          sdl: readSubgraphSdl(declaration.name),
          url: declaration.url,
          author: 'system:tessera-start',
        })),
        'system:tessera-start',
      );
      const change = await registry.publish({ subgraph: 'crm', sdl: CRM_V2, author: 'ada', commit: '9f3c2e1a7b40' });
      expect([change.published, change.version.version]).toEqual([true, 2]);
      await registry.recordUsage({
        entries: [{ clientId: 'portfolio-app', coordinate: 'Account.industry', count: 42, lastUsedAt: '2026-05-03T17:05:00.000Z' }],
      });
      const report = await registry.check({ subgraph: 'crm', sdl: CRM_WITHOUT_INDUSTRY }, 'grace');
      expect(report.passed).toBe(false);
      failedCheckId = report.id!;

      const verifier = createTokenVerifier(config.auth);
      const handler = createRegistryHttpHandler({
        registry,
        authenticate: (authorization) => verifier.verify(authorization),
        verifyInternalPrincipal: createInternalPrincipalVerifier('the-page-test-internal-secret-of-32-chars'),
        logger,
        maxBodyBytes: 1024 * 1024,
        page: registryPageAssets(),
        outline: async () => {
          const summaries = await registry.subgraphs();
          const heads = await Promise.all(
            summaries.flatMap((summary) => (summary.version === null ? [] : [registry.version(summary.name, summary.version)])),
          );
          return schemaOutline(heads, DECLARATIONS);
        },
      });
      server = http.createServer((request, response) => {
        void handler(request, response).then((handled) => {
          if (!handled) response.writeHead(404).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      readToken = await issueDevToken({ claims: { sub: 'architect', scope: 'registry:read' }, ttlSeconds: 600 }, config.auth);
      crmOnlyToken = await issueDevToken({ claims: { sub: 'analyst', scope: 'crm:read' }, ttlSeconds: 600 }, config.auth);
      browser = await launch();
    });

    afterAll(async () => {
      await browser?.close();
      if (server) await new Promise((resolve) => server.close(resolve));
      await store?.close();
      await temp?.remove();
      if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    });

    /** A fresh tab whose console errors and page errors are collected (a CSP violation is a console error). */
    async function openPage(): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return { page, problems };
    }

    async function signIn(page: Page, token: string): Promise<void> {
      await page.getByLabel('Bearer token').fill(token);
      await page.getByRole('button', { name: 'Use token' }).click();
    }

    it('asks for a token, says when a token lacks the registry scope, then shows the subgraphs with their owners', async () => {
      const { page, problems } = await openPage();
      await page.goto(`${base}/registry/`);

      await page.getByRole('heading', { name: 'A token is needed' }).waitFor();
      expect(await page.getByRole('alert').first().innerText()).toBe(
        'Sign in: paste a bearer token with the registry:read scope into the form above.',
      );

      await signIn(page, crmOnlyToken);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();

      await signIn(page, readToken);
      const subgraphs = page.getByRole('navigation', { name: 'Subgraphs' });
      await subgraphs.getByRole('link', { name: /crm/ }).waitFor();
      expect(await subgraphs.getByRole('link').allInnerTexts()).toEqual([
        'crm\nCRM · v2',
        'psa\nPSA · v1',
        'erp\nERP · v1',
        'integration\nINTEGRATION · v1',
      ]);
      expect(await page.getByRole('heading', { level: 2, name: /^crm/ }).innerText()).toBe('crm CRM v2');

      const account = page.getByRole('region', { name: 'type Account' });
      const newField = account.getByRole('row', { name: /serviceTier/ });
      expect((await newField.getByRole('cell').allInnerTexts()).map((text) => text.trim())).toEqual([
        'String',
        'CRM',
        'The service tier agreed with the customer.',
      ]);

      await page.getByLabel('Filter types and fields').fill('servicetier');
      // The head's type count as the outline reads it from the published SDL (it grows with the CRM schema).
      const [crmOutline] = schemaOutline([await registry.version('crm', 2)], DECLARATIONS);
      expect(crmOutline!.types.length).toBeGreaterThan(20);
      await page.getByText(`1 of ${crmOutline!.types.length} types`).waitFor();
      expect(await page.locator('.type-card:visible').count()).toBe(1);
      // Only the 401 and 403 of the sign-in steps: no CSP violation, no script error.
      expect(problems.filter((problem) => !/status of 40[13]/.test(problem))).toEqual([]);
      await page.close();
    });

    it('shows the published change in the history, with its diff and its SAFE FIELD_ADDED change', async () => {
      const { page, problems } = await openPage();
      await page.goto(`${base}/registry/#history/crm`);
      await signIn(page, readToken);

      const versions = page.getByRole('table', { name: 'Versions of crm' });
      await versions.waitFor();
      const rows = versions.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      expect((await rows.nth(0).locator('th, td').allInnerTexts()).slice(2, 6)).toEqual([
        'v2 head',
        'ada',
        '9f3c2e1a7b40',
        '2026-05-04 09:30 UTC',
      ]);
      expect((await rows.nth(1).locator('th, td').allInnerTexts()).slice(2, 5)).toEqual(['v1', 'system:tessera-start', '—']);

      await page.getByRole('heading', { name: 'crm v1 → v2' }).waitFor();
      const safe = page.getByRole('region', { name: 'Safe changes' });
      expect(await safe.locator('.change').allInnerTexts()).toContainEqual(expect.stringMatching(/^FIELD_ADDED Account\.serviceTier\n/));
      expect(await page.locator('.line-add').allInnerTexts()).toEqual([
        '+  "The service tier agreed with the customer."',
        '+  serviceTier: String',
      ]);
      expect(await page.locator('.line-del').count()).toBe(0);
      expect(await page.locator('.line-file').allInnerTexts()).toEqual(['--- crm v1', '+++ crm v2']);
      expect(problems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
      await page.close();
    });

    it("opens the failed check's report: the usage check names the client that still uses the removed field", async () => {
      const { page, problems } = await openPage();
      await page.goto(`${base}/registry/#checks`);
      await signIn(page, readToken);

      const reports = page.getByRole('table', { name: 'Recent check reports' });
      const failed = reports.getByRole('row', { name: new RegExp(`Check #${failedCheckId} `) });
      expect((await failed.locator('td').allInnerTexts()).slice(0, 2)).toEqual(['crm', 'failed']);
      await failed.getByRole('link').click();

      await page.getByRole('heading', { level: 1, name: `Check #${failedCheckId} of crm failed` }).waitFor();
      const usage = page.locator('details[data-section="usage"]');
      expect(await usage.locator('summary').innerText()).toMatch(/^usage failed \d+ findings?$/);
      const finding = usage.getByRole('row', { name: /BREAKING_CHANGE_IN_USE/ });
      const cells = await finding.locator('th, td').allInnerTexts();
      // The usage check's findings name the coordinate, not a subgraph.
      expect(cells.slice(0, 4)).toEqual(['BREAKING_CHANGE_IN_USE', 'error', 'Account.industry', 'crm']);
      expect(cells[5]).toBe('portfolio-app · 42 ops · last 2026-05-03 17:05 UTC');
      const breaking = page.getByRole('region', { name: 'Breaking changes' });
      expect(await breaking.locator('.change').allInnerTexts()).toContainEqual(expect.stringMatching(/^FIELD_REMOVED Account\.industry\n/));

      await page.screenshot({ path: '/tmp/registry-page.png', fullPage: true });
      expect(problems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
      await page.close();
    });
  });
});
