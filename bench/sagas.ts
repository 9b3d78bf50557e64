/**
 * `npm run bench:sagas`: opportunity-to-project sagas per second to completion
 * (docs/processes.md), on the in-process transport and on NATS JetStream in the same run. Not a
 * test: it prints a table.
 *
 * Per transport, a fresh embedded Tessera (SQLite stores in a temp folder, seeded `--scale`,
 * default s) with its process engine (relay, transport, saga consumer, executor: runtime/processEngine.ts).
 * Untimed setup: `--sagas` opportunities (default 200) are opened through the gateway as copies of
 * the seed's opportunities (account, legal entity, currency, lines) and moved to PROPOSAL (every
 * line time and materials, with a PSA role and hours: `openOpportunities`). Timed: a sales rep wins
 * them all through the gateway (`--concurrency` calls at a time, default 8); the people act as
 * soon as their worklist (contracts IN_APPROVAL or APPROVED, read through the gateway every
 * `--poll-ms`, default 100) shows them one of these contracts: another
 * person approves it, the sales rep records the signature. The saga does the rest: contract
 * created and submitted, customer enabled for billing, project created, contract activated,
 * resource requests, project activated.
 *
 * Per saga: from the OpportunityWon event (its outbox `occurred_at`) to ProjectActivated (its
 * outbox `occurred_at` in the PSA): p50, p99, max; sagas/s = sagas completed / (last activation −
 * first win). The time the people took (worklist poll and their calls) is inside it; the steps'
 * own medians (from `process_steps`) are printed beside it. After the run: one contract per
 * opportunity, one project per contract, every project ACTIVE, every process COMPLETED.
 *
 * Options (argv): --sagas N (200), --scale s|m (s), --concurrency N (8), --poll-ms N (100),
 * --nats [url] (or TESSERA_NATS_URL; without either NATS is skipped), --timeout-seconds N (600),
 * --json FILE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { issueDevToken } from '../auth/devToken.ts';
import { loadConfig, type TesseraConfig } from '../core/config/config.ts';
import { createLogger } from '../core/logger.ts';
import { startEmbedded, type Embedded } from '../runtime/embedded.ts';
import {
  allPages,
  APPROVE_CONTRACT,
  CREATE_OPPORTUNITY,
  graphqlClient,
  MOVE_OPPORTUNITY,
  pool,
  SIGN_CONTRACT,
  succeeded,
  TEMPLATES,
  WIN_OPPORTUNITY,
  WORKLIST,
  type GraphqlClient,
  type Page,
  type Payload,
  type TemplateOpportunity,
} from './processWorkers/gatewayClient.ts';
import {
  benchPrefix,
  deleteStream,
  intOption,
  loadAverage,
  machine,
  natsUrl,
  spread,
  writeJson,
  type Spread,
} from './processWorkers/processOptions.ts';
import { scaleOption } from './options.ts';

const SAGAS = intOption('sagas', 200);
const CONCURRENCY = intOption('concurrency', 8);
const POLL_MS = intOption('poll-ms', 100);
const TIMEOUT_MS = intOption('timeout-seconds', 600) * 1000;
const scale = process.argv.includes('--scale') ? scaleOption() : 's';
const logger = createLogger('warn');

interface SagaResult {
  readonly transport: 'in-process' | 'nats';
  readonly sagas: number;
  readonly completed: number;
  /** Processes not COMPLETED at the end, by status. */
  readonly unfinished: Readonly<Record<string, number>>;
  /** Why: `<status> at <step>: <code>` → how many, with one reason. */
  readonly stopped: readonly { readonly why: string; readonly count: number; readonly reason: string | null }[];
  readonly elapsedMs: number;
  readonly sagasPerSecond: number;
  readonly durationMs: Spread;
  /** Median time of each step (started to finished), ms; the two waits hold the people's time. */
  readonly stepP50Ms: Readonly<Record<string, number>>;
  readonly approvals: number;
  readonly signatures: number;
  readonly duplicateContracts: number;
  readonly duplicateProjects: number;
  readonly projectsActive: number;
  /** PSA resource requests the sagas made from the opportunities' lines (one per line). */
  readonly resourceRequests: number;
  readonly opportunityLines: number;
}

interface Opened {
  readonly id: string;
  readonly version: number;
}

type Db = Kysely<unknown>;

/** A system's read-only connection: the benchmark's own reads never queue behind the engine's writes. */
function dbOf(tessera: Embedded, name: 'crm' | 'psa' | 'integration'): Db {
  return (tessera.systems as Record<string, { reads: Db }>)[name]!.reads;
}

async function tokens(config: TesseraConfig) {
  const token = (sub: string, scope: string) =>
    issueDevToken({ claims: { sub, scope, legal_entities: '*' as const }, ttlSeconds: 3600 }, config.auth);
  return {
    sales: await token('bench-sales@example.com', 'crm:read crm:write erp:read psa:read'),
    approver: await token('bench-approver@example.com', 'crm:read crm:write erp:read psa:read'),
  };
}

/**
 * Opens SAGAS opportunities copied from the seed's of customers not on credit hold, every line time
 * and materials (a fixed-fee or milestone deal stops, BLOCKED, at createProject until someone plans
 * its milestones) with a PSA role and estimated hours (the seed leaves them empty; a role is picked
 * from the PSA's, 120 hours), so the saga converts them to resource requests; then moves them to PROPOSAL.
 */
async function openOpportunities(gql: GraphqlClient, sales: string): Promise<Opened[]> {
  const templates = (
    await allPages((after) =>
      gql<{ opportunities: Page<TemplateOpportunity> }>(sales, TEMPLATES, { after }).then((data) => data.opportunities),
    )
  ).filter((opportunity) => opportunity.lines.length > 0 && !opportunity.account.creditHold);
  if (templates.length === 0) throw new Error('the seed has no opportunity with lines to copy');
  const { roles } = await gql<{ roles: { id: string }[] }>(sales, 'query { roles { id } }');
  const opened: Opened[] = [];
  await pool(
    Array.from({ length: SAGAS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const template = templates[i % templates.length]!;
      const created = await gql<{ createOpportunity: { opportunity: { id: string; aggregateVersion: number } } & Payload }>(
        sales,
        CREATE_OPPORTUNITY,
        {
          input: {
            idempotencyKey: `bench-saga-open-${i}`,
            accountId: template.account.id,
            name: `Bench saga ${i}`,
            legalEntityId: template.legalEntity.id,
            currency: template.amount.currency,
            closeDate: template.closeDate,
            lines: template.lines.map((line, k) => ({
              serviceOffering: line.serviceOffering,
              billingMethod: 'TIME_AND_MATERIALS',
              amount: line.amount.amount,
              estimatedHours: line.estimatedHours ?? '120',
              startDate: line.startDate,
              endDate: line.endDate,
              roleId: line.roleId ?? roles[(i + k) % roles.length]?.id ?? null,
            })),
          },
        },
      );
      const { id } = succeeded('createOpportunity', created.createOpportunity).opportunity;
      let { aggregateVersion } = created.createOpportunity.opportunity;
      for (const stage of ['QUALIFIED', 'PROPOSAL']) {
        const moved = await gql<{ updateOpportunityStage: { opportunity: { aggregateVersion: number } } & Payload }>(
          sales,
          MOVE_OPPORTUNITY,
          { input: { idempotencyKey: `bench-saga-${stage}-${i}`, opportunityId: id, expectedVersion: aggregateVersion, stage } },
        );
        aggregateVersion = succeeded('updateOpportunityStage', moved.updateOpportunityStage).opportunity.aggregateVersion;
      }
      opened.push({ id, version: aggregateVersion });
    },
  );
  return opened;
}

/** Counts of this run's processes by status. */
async function processStatuses(integration: Db, subjects: readonly string[]): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>`
    select status, count(*) as n from process_instances
    where kind = 'opportunityToProject' and subject_id in (${sql.join(subjects)}) group by status`.execute(integration);
  return Object.fromEntries(rows.rows.map((row) => [row.status, Number(row.n)]));
}

interface People {
  approvals: number;
  signatures: number;
  /** Contracts an action is under way for (one at a time per contract). */
  readonly busy: Set<string>;
  readonly errors: string[];
}

/** One look at the worklist: approve what waits for approval, sign what is approved (ours only). */
async function work(gql: GraphqlClient, who: Awaited<ReturnType<typeof tokens>>, ours: ReadonlySet<string>, people: People): Promise<void> {
  type Item = { id: string; status: string; aggregateVersion: number; opportunity: { id: string } | null };
  const items = await allPages((after) => gql<{ contracts: Page<Item> }>(who.sales, WORKLIST, { after }).then((data) => data.contracts));
  const todo = items.filter((item) => item.opportunity && ours.has(item.opportunity.id) && !people.busy.has(item.id));
  for (const item of todo) people.busy.add(item.id);
  await pool(todo, CONCURRENCY, async (item) => {
    try {
      if (item.status === 'IN_APPROVAL') {
        const answer = await gql<{ approveContract: Payload }>(who.approver, APPROVE_CONTRACT, {
          input: { idempotencyKey: `bench-approve-${item.id}`, contractId: item.id, expectedVersion: item.aggregateVersion },
        });
        succeeded('approveContract', answer.approveContract);
        people.approvals += 1;
      } else {
        const answer = await gql<{ recordContractSignature: Payload }>(who.sales, SIGN_CONTRACT, {
          input: {
            idempotencyKey: `bench-sign-${item.id}`,
            contractId: item.id,
            expectedVersion: item.aggregateVersion,
            signedAt: new Date().toISOString(),
            customerSignatory: 'Bench Customer',
            documentUrl: `https://esign.example.com/envelopes/${item.id}`,
          },
        });
        succeeded('recordContractSignature', answer.recordContractSignature);
        people.signatures += 1;
      }
    } catch (error) {
      people.errors.push(error instanceof Error ? error.message : String(error));
    } finally {
      people.busy.delete(item.id);
    }
  });
}

async function measure(kind: 'in-process' | 'nats', nats?: { url: string; prefix: string }): Promise<SagaResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-sagas-${kind}-`));
  const env = { TESSERA_DATA_DIR: dataDir, ...(nats ? { TESSERA_NATS_URL: nats.url, TESSERA_NATS_STREAM: nats.prefix } : {}) };
  const config: TesseraConfig = { ...loadConfig(env), host: '127.0.0.1', seedScale: scale, store: { kind: 'sqlite', dataDir } };
  const tessera = await startEmbedded({ config, logger });
  try {
    const gql = graphqlClient(`http://127.0.0.1:${await tessera.listen(0)}/graphql`);
    const who = await tokens(config);
    const opened = await openOpportunities(gql, who.sales);
    const ours = new Set(opened.map((opportunity) => opportunity.id));
    const subjects = [...ours];
    const [crm, psa, integration] = [dbOf(tessera, 'crm'), dbOf(tessera, 'psa'), dbOf(tessera, 'integration')];
    console.log(`${kind}: ${opened.length} opportunities in PROPOSAL; winning them (load ${loadAverage()})`);

    const people: People = { approvals: 0, signatures: 0, busy: new Set(), errors: [] };
    const started = Date.now();
    let winning = true;
    const wins = pool(opened, CONCURRENCY, async (opportunity, i) => {
      const answer = await gql<{ closeWinOpportunity: Payload }>(who.sales, WIN_OPPORTUNITY, {
        input: { idempotencyKey: `bench-saga-win-${i}`, opportunityId: opportunity.id, expectedVersion: opportunity.version },
      });
      succeeded('closeWinOpportunity', answer.closeWinOpportunity);
    }).finally(() => (winning = false));
    // The people look at their worklist until every process is over (or stopped where only someone else can move it).
    let statuses: Record<string, number> = {};
    for (;;) {
      await work(gql, who, ours, people);
      statuses = await processStatuses(integration, subjects);
      const over = (statuses.COMPLETED ?? 0) + (statuses.BLOCKED ?? 0) + (statuses.FAILED ?? 0) + (statuses.COMPENSATED ?? 0);
      if (!winning && over === SAGAS) break;
      if (Date.now() - started > TIMEOUT_MS) {
        console.error(`${kind}: timed out after ${TIMEOUT_MS} ms: ${JSON.stringify(statuses)}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await wins;
    if (people.errors.length) console.error(`${kind}: ${people.errors.length} people's calls failed; first: ${people.errors[0]}`);

    // Per saga: OpportunityWon in the CRM outbox → ProjectActivated in the PSA outbox.
    const won = await sql<{ aggregate_id: string; occurred_at: string }>`
      select aggregate_id, occurred_at from outbox_events
      where type = 'OpportunityWon' and aggregate_id in (${sql.join(subjects)})`.execute(crm);
    const contracts = await sql<{ id: string; opportunity_id: string }>`
      select id, opportunity_id from contracts where opportunity_id in (${sql.join(subjects)})`.execute(crm);
    const contractIds = contracts.rows.map((row) => row.id);
    const projects = contractIds.length
      ? await sql<{ id: string; contract_id: string; status: string }>`
          select id, contract_id, status from projects where contract_id in (${sql.join(contractIds)})`.execute(psa)
      : { rows: [] };
    const projectIds = projects.rows.map((row) => row.id);
    const activated = projectIds.length
      ? await sql<{ aggregate_id: string; occurred_at: string }>`
          select aggregate_id, occurred_at from outbox_events
          where type = 'ProjectActivated' and aggregate_id in (${sql.join(projectIds)})`.execute(psa)
      : { rows: [] };
    const requests = projectIds.length
      ? await sql<{ n: number }>`select count(*) as n from resource_requests where project_id in (${sql.join(projectIds)})`.execute(psa)
      : { rows: [{ n: 0 }] };
    const lines = await sql<{ n: number }>`
      select count(*) as n from opportunity_lines where opportunity_id in (${sql.join(subjects)})`.execute(crm);
    const wonAt = new Map(won.rows.map((row) => [row.aggregate_id, Date.parse(row.occurred_at)]));
    const opportunityOfContract = new Map(contracts.rows.map((row) => [row.id, row.opportunity_id]));
    const opportunityOfProject = new Map(projects.rows.map((row) => [row.id, opportunityOfContract.get(row.contract_id)!]));
    const durations: number[] = [];
    let lastActivation = 0;
    for (const row of activated.rows) {
      const at = Date.parse(row.occurred_at);
      const from = wonAt.get(opportunityOfProject.get(row.aggregate_id)!);
      if (from === undefined) continue;
      durations.push(at - from);
      lastActivation = Math.max(lastActivation, at);
    }
    const firstWin = Math.min(...wonAt.values());
    const steps = await sql<{ name: string; started_at: string; finished_at: string }>`
      select s.name, s.started_at, s.finished_at from process_steps s join process_instances p on p.id = s.process_id
      where p.kind = 'opportunityToProject' and p.subject_id in (${sql.join(subjects)})
        and s.started_at is not null and s.finished_at is not null`.execute(integration);
    const byStep = new Map<string, number[]>();
    for (const step of steps.rows) {
      const list = byStep.get(step.name) ?? [];
      list.push(Date.parse(step.finished_at) - Date.parse(step.started_at));
      byStep.set(step.name, list);
    }
    const count = (values: Iterable<string>) => {
      const seen = new Map<string, number>();
      for (const value of values) seen.set(value, (seen.get(value) ?? 0) + 1);
      return [...seen.values()].filter((n) => n > 1).length;
    };
    const stopped = await sql<{ status: string; step: string | null; code: string | null; reason: string | null; n: number }>`
      select status, current_step as step, blocked_code as code, max(blocked_reason) as reason, count(*) as n from process_instances
      where kind = 'opportunityToProject' and subject_id in (${sql.join(subjects)}) and status <> 'COMPLETED'
      group by status, current_step, blocked_code`.execute(integration);
    const elapsedMs = lastActivation - firstWin;
    const { COMPLETED: completed = 0, ...unfinished } = statuses;
    return {
      transport: kind,
      sagas: SAGAS,
      completed,
      unfinished,
      stopped: stopped.rows.map((row) => ({ why: `${row.status} at ${row.step}: ${row.code}`, count: Number(row.n), reason: row.reason })),
      elapsedMs,
      sagasPerSecond: Math.round((durations.length / elapsedMs) * 1000 * 100) / 100,
      durationMs: spread(durations),
      stepP50Ms: Object.fromEntries([...byStep].map(([name, list]) => [name, spread(list).p50])),
      approvals: people.approvals,
      signatures: people.signatures,
      duplicateContracts: count(contracts.rows.map((row) => row.opportunity_id)),
      duplicateProjects: count(projects.rows.map((row) => row.contract_id)),
      projectsActive: projects.rows.filter((row) => row.status === 'ACTIVE').length,
      resourceRequests: Number(requests.rows[0]!.n),
      opportunityLines: Number(lines.rows[0]!.n),
    };
  } finally {
    await tessera.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `opportunity to project: ${SAGAS} sagas on seed ${scale}, ${CONCURRENCY} at a time, worklist every ${POLL_MS} ms; ` +
      `Node ${process.version}, ${os.cpus().length} cores, load ${loadAverage()}`,
  );
  const results: SagaResult[] = [await measure('in-process')];
  const url = natsUrl();
  if (url === undefined) {
    console.log('NATS skipped: pass --nats [url] or set TESSERA_NATS_URL (e.g. nats://127.0.0.1:4222).');
  } else {
    const prefix = benchPrefix();
    try {
      results.push(await measure('nats', { url, prefix }));
    } finally {
      await deleteStream(url, prefix);
    }
  }
  console.log(`\nload average after: ${loadAverage()}; per saga: OpportunityWon to ProjectActivated, ms\n`);
  console.table(
    results.map((result) => ({
      transport: result.transport,
      completed: `${result.completed}/${result.sagas}`,
      'sagas/s': result.sagasPerSecond,
      'p50 ms': result.durationMs.p50,
      'p99 ms': result.durationMs.p99,
      'max ms': result.durationMs.max,
      'elapsed ms': result.elapsedMs,
      'projects ACTIVE': result.projectsActive,
      'dup contracts': result.duplicateContracts,
      'dup projects': result.duplicateProjects,
      'resource requests': `${result.resourceRequests}/${result.opportunityLines}`,
    })),
  );
  console.log('median step times, ms (awaitApproval and awaitSignature hold the people):');
  console.table(Object.fromEntries(results.map((result) => [result.transport, result.stepP50Ms])));
  const [local, nats] = results;
  const ratio = local && nats ? Math.round((nats.sagasPerSecond / local.sagasPerSecond) * 100) / 100 : null;
  if (ratio !== null) console.log(`NATS / in-process: sagas/s ×${ratio}`);
  for (const result of results) {
    const clean =
      result.completed === SAGAS &&
      result.projectsActive === SAGAS &&
      result.duplicateContracts + result.duplicateProjects === 0 &&
      result.resourceRequests === result.opportunityLines;
    if (!clean) {
      console.error(`${result.transport}: not every saga finished cleanly: ${JSON.stringify(result.unfinished)}`);
      for (const { why, count, reason } of result.stopped) console.error(`  ${count} × ${why} (${reason ?? 'no reason recorded'})`);
      process.exitCode = 1;
    }
  }
  writeJson({
    benchmark: 'opportunity-to-project',
    machine: machine(),
    options: { sagas: SAGAS, scale, concurrency: CONCURRENCY, pollMs: POLL_MS },
    results,
    natsOverInProcess: ratio === null ? null : { sagasPerSecond: ratio },
  });
}

await main();
