/**
 * `npm run bench:billing-saga`: the month-end billing run through the saga (docs/processes.md#billing-run)
 * against the direct run of today, on the same data and the same run: two fresh embedded Tesseras
 * seeded alike (`--scale`, default m), the same projects (every legal entity's billable projects,
 * as the run lists them), cut-off 2026-11-15, invoice date 2026-11-30, 8 projects at a time.
 *  - direct: a client calls generateBillingDraft then releaseInvoiceV2 per project through the
 *    gateway (bench/billingClient.ts, its own thread), as bench/billingRun.ts does;
 *  - saga: one billing run per legal entity (driver.ts) calling the PSA and the ERP as
 *    system:integration, with its per-project state written to the integration store and the
 *    release policy read from the ERP per project.
 * Reports drafts per second and checks that both made the same drafts and invoices. Not a test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fetcher } from '@apollo/utils.fetcher';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../core/config/config.ts';
import { createLogger } from '../core/logger.ts';
import { issueDevToken } from '../auth/devToken.ts';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import { startEmbedded, type Embedded } from '../runtime/embedded.ts';
import { systemUrls } from '../runtime/systemUrls.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import { integrationSystemPeers } from '../systems/integration/systemPeers.ts';
import { billingRunPeers, type BillingRunPeers } from '../systems/integration/billingRun/peerCalls.ts';
import { createBillingRunDriver } from '../systems/integration/billingRun/driver.ts';
import { insertRun, projectsOf } from '../systems/integration/billingRun/runStore.ts';
import type { BillingRunTables } from '../systems/integration/billingRun/tables.ts';
import { option, runWorker, scaleOption } from './options.ts';
import type { BillingJob, BillingResult } from './billingClient.ts';

const scale = scaleOption();
const concurrency = Number(option('concurrency', '8'));
const CUTOFF = '2026-11-15';
const INVOICE_DATE = '2026-11-30';

interface Instance {
  readonly tessera: Embedded;
  readonly url: string;
  readonly token: string;
  readonly peers: BillingRunPeers;
  readonly dataDir: string;
  db(name: 'psa' | 'erp' | 'integration'): Kysely<unknown>;
}

async function start(): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-billing-saga-'));
  const config = {
    ...loadConfig({ TESSERA_DATA_DIR: dataDir }),
    host: '127.0.0.1',
    seedScale: scale,
    store: { kind: 'sqlite' as const, dataDir },
  };
  let fetcher: Fetcher | null = null;
  const tessera = await startEmbedded({
    config,
    logger: createLogger('warn'),
    wrapFetcher: (base) => {
      fetcher = base;
      return base;
    },
  });
  const url = `http://127.0.0.1:${await tessera.listen(0)}/graphql`;
  const token = await issueDevToken(
    {
      claims: { sub: 'billing-run', client_id: 'month-end-job', scope: 'psa:read psa:write erp:read erp:write', legal_entities: '*' },
      ttlSeconds: 3600,
    },
    config.auth,
  );
  const internalSecret = await loadInternalSecret(config.internalSecret);
  let calls = 0;
  const peers = integrationSystemPeers(
    { fetcher: fetcher!, urlOf: systemUrls(config, SYSTEM_LIST, 'in-process').urlOf, internalSecret },
    () => `bench-billing-saga-${++calls}`,
  );
  const systems = tessera.systems as Record<string, { db: Kysely<unknown> }>;
  return { tessera, url, token, peers: billingRunPeers(peers), dataDir, db: (name) => systems[name]!.db };
}

async function legalEntities(instance: Instance): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id from legal_entities where status = 'ACTIVE' order by id`.execute(instance.db('erp'));
  return rows.rows.map((row) => row.id);
}

async function counts(instance: Instance): Promise<{ drafts: number; invoices: number }> {
  const n = async (db: Kysely<unknown>, table: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
  return { drafts: await n(instance.db('psa'), 'billing_drafts'), invoices: await n(instance.db('erp'), 'invoices') };
}

async function stop(instance: Instance): Promise<void> {
  await instance.tessera.stop();
  fs.rmSync(instance.dataDir, { recursive: true, force: true });
}

async function direct(): Promise<{
  projects: number;
  drafts: number;
  invoices: number;
  ms: number;
  added: { drafts: number; invoices: number };
}> {
  const instance = await start();
  try {
    const projects: string[] = [];
    for (const entity of await legalEntities(instance)) projects.push(...(await instance.peers.billableProjects(entity)).map((p) => p.id));
    const before = await counts(instance);
    const job: BillingJob = {
      url: instance.url,
      token: instance.token,
      projects,
      concurrency,
      run: 'direct',
      cutoffDate: CUTOFF,
      invoiceDate: INVOICE_DATE,
    };
    const { first } = await runWorker<BillingResult>(new URL('./billingClient.ts', import.meta.url), job);
    const after = await counts(instance);
    return {
      projects: projects.length,
      drafts: first.outcomes.filter((o) => o.draft !== null).length,
      invoices: first.outcomes.filter((o) => o.invoice !== null).length,
      ms: first.ms,
      added: { drafts: after.drafts - before.drafts, invoices: after.invoices - before.invoices },
    };
  } finally {
    await stop(instance);
  }
}

async function saga(): Promise<{
  projects: number;
  drafts: number;
  invoices: number;
  ms: number;
  added: { drafts: number; invoices: number };
  held: number;
  refused: number;
}> {
  const instance = await start();
  try {
    const db = instance.db('integration') as unknown as Kysely<BillingRunTables>;
    const entities = await legalEntities(instance);
    const before = await counts(instance);
    const started = performance.now();
    const runs = [];
    const now = new Date();
    for (const entity of entities) {
      runs.push(
        await insertRun(
          db,
          {
            legalEntityId: entity,
            cutoffDate: CUTOFF,
            invoiceDate: INVOICE_DATE,
            trigger: 'MANUAL',
            startedBy: 'bench',
            correlationId: 'bench',
          },
          now,
        ),
      );
    }
    await createBillingRunDriver({ db, peers: instance.peers, clock: () => new Date(), concurrency }).drain();
    const ms = performance.now() - started;
    const rows = (await Promise.all(runs.map((run) => projectsOf(db, run.id)))).flat();
    const after = await counts(instance);
    return {
      projects: rows.length,
      drafts: rows.filter((row) => row.billing_draft_id !== null).length,
      invoices: rows.filter((row) => row.invoice_id !== null).length,
      held: rows.filter((row) => row.status === 'HELD').length,
      refused: rows.filter((row) => row.status === 'REFUSED').length,
      ms,
      added: { drafts: after.drafts - before.drafts, invoices: after.invoices - before.invoices },
    };
  } finally {
    await stop(instance);
  }
}

const rate = (drafts: number, ms: number) => Math.round((drafts / ms) * 10_000) / 10;
const d = await direct();
const s = await saga();
console.log(
  `\nmonth-end billing run, direct vs saga, scale ${scale}, ${concurrency} projects at a time, Node ${process.version}, ${os.cpus().length} cores`,
);
console.table([
  {
    run: 'direct (gateway client)',
    projects: d.projects,
    drafts: d.drafts,
    invoices: d.invoices,
    ms: Math.round(d.ms),
    'drafts/s': rate(d.drafts, d.ms),
  },
  {
    run: 'saga (billing run driver)',
    projects: s.projects,
    drafts: s.drafts,
    invoices: s.invoices,
    ms: Math.round(s.ms),
    'drafts/s': rate(s.drafts, s.ms),
  },
]);
console.log(
  `rows added: direct ${d.added.drafts} drafts, ${d.added.invoices} invoices; saga ${s.added.drafts} drafts, ${s.added.invoices} invoices (held ${s.held}, refused ${s.refused})`,
);
