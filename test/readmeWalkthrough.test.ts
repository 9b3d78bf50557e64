/**
 * The README's quote-to-cash walkthrough is a script a newcomer pastes: this test runs exactly
 * its shell blocks (bash, curl, node and `npm run token`) against a fresh instance and checks
 * every answer, so the walkthrough cannot drift from the API.
 */
import { runProcess, type ProcessResult } from './harness/runProcess.ts';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('<!-- walkthrough:start -->'), README.indexOf('<!-- walkthrough:end -->'));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);

let tessera: TestTessera;
beforeAll(async () => {
  // The process engine runs on its own, as under `npm start`: the walkthrough waits for it like a person would.
  tessera = await startTestTessera({ scale: 's', processEngine: { loops: { relayMs: 200, executorMs: 500 } } });
});
afterAll(() => tessera?.stop());

function runScript(script: string, env: Record<string, string>): Promise<ProcessResult> {
  return runProcess('bash', ['-c', script], { cwd: new URL('..', import.meta.url), env: { ...process.env, ...env } });
}

describe('the README quote-to-cash walkthrough', () => {
  it('has its shell blocks between the markers', () => {
    expect(blocks.length).toBe(7);
  });

  it('runs as pasted: every call answers without errors, the invoice is released once and paid', async () => {
    const { code, stdout, stderr } = await runScript(['set -euo pipefail', ...blocks].join('\n'), {
      API: tessera.url,
      TESSERA_DATA_DIR: tessera.dataDir,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answers = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { data: Record<string, Record<string, unknown>> });
    for (const answer of answers) {
      expect(answer).not.toHaveProperty('errors');
      const payload = Object.values(answer.data)[0]!;
      expect(payload.userErrors ?? []).toEqual([]);
      expect(payload.errors ?? []).toEqual([]);
    }
    const fields = answers.map((answer) => Object.keys(answer.data)[0]);
    expect(fields).toEqual([
      'updateOpportunityStage',
      'updateOpportunityStage',
      'closeWinOpportunity',
      'approveContract',
      'recordContractSignature',
      'opportunity',
      'project',
      'approveTimecard',
      'releaseInvoiceV2',
      'releaseInvoiceV2',
      'applyPayment',
      'invoice',
    ]);
    // The process did everything between the signature and the first timesheet, each step once.
    expect(answers[5]).toEqual({
      data: {
        opportunity: {
          process: {
            status: 'COMPLETED',
            steps: [
              'createContract',
              'submitContract',
              'awaitApproval',
              'awaitSignature',
              'enableCustomerBilling',
              'createProject',
              'activateContract',
              'requestResources',
              'activateProject',
            ].map((name) => ({
              name,
              status: 'DONE',
              // A wait counts the times it looked; every call step ran once.
              attempts: name.startsWith('await') ? expect.any(Number) : 1,
              sla: { breached: false },
            })),
          },
        },
      },
    });
    expect(answers[6]).toMatchObject({
      data: { project: { status: 'ACTIVE', contract: { status: 'ACTIVE' }, resourceRequests: [{ status: 'OPEN', hours: '40.00' }] } },
    });
    const [released, replayed] = answers
      .slice(8, 10)
      .map((answer) => answer.data.releaseInvoiceV2 as { invoice: unknown; replayed: boolean });
    expect([released!.replayed, replayed!.replayed]).toEqual([false, true]);
    expect(replayed!.invoice).toEqual(released!.invoice);
    expect(released!.invoice).toMatchObject({ total: { amount: '6000.00', currency: 'GBP' } });
    expect(answers.at(-2)).toEqual({
      data: { applyPayment: { invoice: { status: 'PAID', amountDue: { amount: '0.00', currency: 'GBP' } }, userErrors: [] } },
    });
    // One process from the deal to the cash: the contract's events that moved it, then the invoice's (each once).
    const cash = answers.at(-1) as unknown as { data: { invoice: { process: { status: string; events: { type: string }[] } } } };
    expect(cash.data.invoice.process.status).toBe('COMPLETED');
    const types = cash.data.invoice.process.events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['ContractSubmittedForApproval', 'ContractApproved', 'ContractSigned']);
    expect(types.slice(3).sort()).toEqual(['InvoicePaid', 'InvoiceReleased', 'PaymentApplied']);
  }, 180_000);
});
