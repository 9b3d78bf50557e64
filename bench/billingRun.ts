/**
 * `npm run bench:billing`: the month-end billing run on the `m` data, through the gateway.
 * For every time-and-materials project with time ready to bill, `generateBillingDraft` (cut-off
 * 2026-11-15) then `releaseInvoiceV2` (invoice date 2026-11-30), 8 projects at a time. Then the
 * same run replayed 4 times concurrently with the same idempotency keys (a billing job retried
 * after a crash, four times over). Reports drafts per second and checks, in the databases, that
 * no source was claimed twice and no draft was invoiced twice. Nothing here is a pass/fail test.
 *
 * Options (argv): --scale s|m|l (default m), --concurrency N (default 8).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../core/config/config.ts';
import { option, runWorker, scaleOption } from './options.ts';
import { startEmbedded } from '../runtime/embedded.ts';
import { createLogger } from '../core/logger.ts';
import { issueDevToken } from '../auth/devToken.ts';
import type { BillingJob, BillingResult } from './billingClient.ts';

const scale = scaleOption();
const concurrency = Number(option('concurrency', '8'));
const RUN = 'month-end-2026-11';

function billInWorker(job: BillingJob): Promise<BillingResult> {
  return runWorker<BillingResult>(new URL('./billingClient.ts', import.meta.url), job);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-billing-'));
  const config = {
    ...loadConfig({ TESSERA_DATA_DIR: dataDir }),
    host: '127.0.0.1',
    seedScale: scale,
    store: { kind: 'sqlite' as const, dataDir },
  };
  const tessera = await startEmbedded({ config, logger: createLogger('warn') });
  const url = `http://127.0.0.1:${await tessera.listen(0)}/graphql`;
  const token = await issueDevToken(
    {
      claims: { sub: 'billing-run', client_id: 'month-end-job', scope: 'psa:read psa:write erp:read erp:write', legal_entities: '*' },
      ttlSeconds: 3600,
    },
    config.auth,
  );
  try {
    const psa = tessera.systems.psa!.db as unknown as Kysely<unknown>;
    const erp = tessera.systems.erp!.db as unknown as Kysely<unknown>;
    // The projects a month-end run bills: T&M, active or closing, with approved time ready to bill.
    const candidates = await sql<{ id: string }>`
      select distinct p.id from projects p join time_entries t on t.project_id = p.id
      where p.billing_method = 'TIME_AND_MATERIALS' and p.status in ('ACTIVE', 'CLOSING')
        and t.billing_status = 'READY_TO_BILL' and t.entry_date <= '2026-11-15'
      order by p.id`.execute(psa);
    const projects = candidates.rows.map((row) => row.id);
    const sources = await sql<{ n: number }>`select count(*) as n from time_entries t join projects p on p.id = t.project_id
      where p.billing_method = 'TIME_AND_MATERIALS' and p.status in ('ACTIVE', 'CLOSING') and t.billing_status = 'READY_TO_BILL' and t.entry_date <= '2026-11-15'`.execute(
      psa,
    );

    const count = async (db: Kysely<unknown>, table: 'billing_drafts' | 'invoices' | 'billing_draft_items') =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
    const before = {
      drafts: await count(psa, 'billing_drafts'),
      items: await count(psa, 'billing_draft_items'),
      invoices: await count(erp, 'invoices'),
    };
    const { first, replays } = await billInWorker({
      url,
      token,
      projects,
      concurrency,
      run: RUN,
      cutoffDate: '2026-11-15',
      invoiceDate: '2026-11-30',
    });

    const drafts = first.outcomes.filter((o) => o.draft !== null).length;
    const invoices = first.outcomes.filter((o) => o.invoice !== null).length;
    const skipped = first.outcomes.filter((o) => o.skipped !== null).map((o) => `${o.project}: ${o.skipped}`);
    const identical = replays.runs.every(
      (r) => JSON.stringify(r.map(({ replayed: _, ...o }) => o)) === JSON.stringify(first.outcomes.map(({ replayed: _, ...o }) => o)),
    );
    const allReplayed = replays.runs.every((r) => r.every((o) => o.replayed || o.draft === null));
    const doubleClaims = (
      await sql<{
        n: number;
      }>`select count(*) as n from (select source_type, source_id from billing_draft_items group by source_type, source_id having count(*) > 1) d`.execute(
        psa,
      )
    ).rows[0]!.n;
    const doubleInvoices = (
      await sql<{
        n: number;
      }>`select count(*) as n from (select source_billing_draft_id from invoices where source_billing_draft_id is not null group by source_billing_draft_id having count(*) > 1) d`.execute(
        erp,
      )
    ).rows[0]!.n;
    const afterReplays = {
      drafts: await count(psa, 'billing_drafts'),
      items: await count(psa, 'billing_draft_items'),
      invoices: await count(erp, 'invoices'),
    };

    console.log(
      `\nmonth-end billing run, scale ${scale}, ${concurrency} projects at a time, Node ${process.version}, ${os.cpus().length} cores`,
    );
    console.table([
      {
        run: 'first',
        projects: projects.length,
        'sources ready': Number(sources.rows[0]!.n),
        drafts,
        invoices,
        ms: Math.round(first.ms),
        'drafts/s': Math.round((drafts / first.ms) * 10000) / 10,
      },
      {
        run: '4 concurrent replays',
        projects: projects.length * 4,
        'sources ready': 0,
        drafts: drafts * 4,
        invoices: invoices * 4,
        ms: Math.round(replays.ms),
        'drafts/s': Math.round(((drafts * 4) / replays.ms) * 10000) / 10,
      },
    ]);
    console.log(`replays identical to the first run: ${identical}; every replayed call marked replayed: ${allReplayed}`);
    console.log(
      `rows the five runs added: ${afterReplays.drafts - before.drafts} drafts, ${afterReplays.items - before.items} claims, ${afterReplays.invoices - before.invoices} invoices ` +
        `(expected from the first run alone: ${drafts} drafts, ${Number(sources.rows[0]!.n)} claims, ${invoices} invoices)`,
    );
    console.log(`sources claimed twice: ${Number(doubleClaims)}; drafts invoiced twice: ${Number(doubleInvoices)}`);
    if (skipped.length) console.log(`not billed: ${skipped.join(', ')}`);
  } finally {
    await tessera.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
