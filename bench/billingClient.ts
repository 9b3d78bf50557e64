/**
 * The billing job of `bench/billingRun.ts`, in its own thread so its HTTP client does not share
 * the gateway's event loop: bills each project (generateBillingDraft, then releaseInvoiceV2) with
 * `concurrency` projects in flight, once, then the same run 4 times concurrently with the same keys.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface BillingJob {
  readonly url: string;
  readonly token: string;
  readonly projects: readonly string[];
  readonly concurrency: number;
  readonly run: string;
  readonly cutoffDate: string;
  readonly invoiceDate: string;
}

export interface Outcome {
  readonly project: string;
  readonly draft: string | null;
  readonly invoice: string | null;
  readonly skipped: string | null;
  readonly replayed: boolean;
}

export interface BillingResult {
  readonly first: { readonly outcomes: Outcome[]; readonly ms: number };
  readonly replays: { readonly runs: Outcome[][]; readonly ms: number };
}

const GENERATE = `mutation ($input: GenerateBillingDraftInput!) {
  generateBillingDraft(input: $input) { billingDraft { id aggregateVersion } userErrors { code } replayed } }`;
const RELEASE = `mutation ($input: ReleaseInvoiceV2Input!) { releaseInvoiceV2(input: $input) {
  ... on ReleaseInvoiceSuccess { invoice { id } replayed }
  ... on CapabilityFailure { errors { code } replayed } } }`;

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function bill(job: BillingJob): Promise<BillingResult> {
  const post = async (query: string, input: Record<string, unknown>): Promise<Data> => {
    const response = await fetch(job.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${job.token}` },
      body: JSON.stringify({ query, variables: { input } }),
    });
    const body = (await response.json()) as { data?: Data; errors?: unknown[] };
    if (response.status !== 200 || body.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
    return body.data!;
  };
  const billProject = async (project: string): Promise<Outcome> => {
    const generated = (
      await post(GENERATE, { idempotencyKey: `${job.run}:draft:${project}`, projectId: project, cutoffDate: job.cutoffDate })
    ).generateBillingDraft;
    const draft = generated.billingDraft;
    if (!draft)
      return { project, draft: null, invoice: null, skipped: generated.userErrors[0]?.code ?? 'unknown', replayed: generated.replayed };
    const released = (
      await post(RELEASE, {
        idempotencyKey: `${job.run}:invoice:${project}`,
        billingDraftId: draft.id,
        invoiceDate: job.invoiceDate,
        expectedVersion: draft.aggregateVersion,
      })
    ).releaseInvoiceV2;
    return {
      project,
      draft: draft.id,
      invoice: released.invoice?.id ?? null,
      skipped: released.errors?.[0]?.code ?? null,
      replayed: generated.replayed && released.replayed,
    };
  };
  const run = async (): Promise<Outcome[]> => {
    const queue = [...job.projects];
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        for (let project = queue.shift(); project; project = queue.shift()) outcomes.push(await billProject(project));
      }),
    );
    return outcomes.sort((a, b) => a.project.localeCompare(b.project));
  };
  let started = performance.now();
  const outcomes = await run();
  const first = { outcomes, ms: performance.now() - started };
  started = performance.now();
  const runs = await Promise.all([run(), run(), run(), run()]);
  return { first, replays: { runs, ms: performance.now() - started } };
}

if (parentPort) {
  const port = parentPort;
  bill(workerData as BillingJob).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
