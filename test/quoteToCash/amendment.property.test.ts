/**
 * Random amendment sequences (docs/state-machines.md#contract-amendment, docs/capabilities.md#contract-amendments,
 * docs/invariants.md#inv-20): proposals of random values (their T&M cap sometimes off the value),
 * approvals, rejections and withdrawals by random people, against a contract with a random amount
 * billed on draft. The CRM's capabilities and the PSA's recordContractAmendment run on the in-memory
 * adapters; an approval is what the ERP's approveContractAmendment does (independent approver, the
 * PSA step, then the CRM step). After every step: Σ lines = the contract value, the cap never below
 * what is billed or on draft, one APPROVED amendment per version after 1, at most one PROPOSED, and
 * every answer the one the rules give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIndependentApprover } from '../../policies/named/segregationOfDuties.ts';
import { createMemoryCrmAdapter } from '../../systems/crm/adapters/memory/memoryAdapter.ts';
import { crmCapabilities } from '../../systems/crm/capabilities/index.ts';
import type { ContractAmendment } from '../../systems/crm/ports/types.ts';
import { InMemoryVendor } from '../../systems/kernel/adapters/memory/vendor.ts';
import { systemPrincipal } from '../../systems/kernel/capability/peers.ts';
import { openLedger } from '../../systems/kernel/systemOfRecord.ts';
import { createMemoryPsaAdapter } from '../../systems/psa/adapters/memory/memoryAdapter.ts';
import { psaCapabilities } from '../../systems/psa/capabilities/index.ts';
import type { BillingDraft, BillingDraftItem, ContractLine } from '../../systems/psa/ports/types.ts';
import { portRunner } from '../harness/portRunner.ts';
import { ALL_RECORDS } from '../harness/recordPolicyProbe.ts';
import { loadIntoVendor as loadCrm } from '../systems/crm/ports/crmData.ts';
import { ACTIVE } from '../systems/crm/ports/writeAmendments.contract.ts';
import { ALICE, BOB, FIXTURE, T0 } from '../systems/crm/ports/writeFixture.ts';
import { loadIntoVendor as loadPsa, type PsaData } from '../systems/psa/ports/psaData.ts';

const PEOPLE = { alice: ALICE, bob: BOB } as const;
type Person = keyof typeof PEOPLE;
const LINE_ID = 'cl_a1_00';

type Op =
  | { readonly kind: 'propose'; readonly by: Person; readonly value: number; readonly capOff: boolean }
  | { readonly kind: 'approve' | 'reject' | 'withdraw'; readonly by: Person };

const person = fc.constantFrom<Person>('alice', 'bob');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('propose' as const), by: person, value: fc.integer({ min: 1, max: 200_000 }), capOff: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('approve' as const, 'reject' as const, 'withdraw' as const), by: person }),
);

async function open(billedE4: number) {
  const crmVendor = new InMemoryVendor();
  await loadCrm(crmVendor, { ...FIXTURE, contracts: [ACTIVE] });
  const crmLedger = await openLedger('crm');
  const crm = createMemoryCrmAdapter(crmVendor, crmLedger);
  const line: ContractLine = {
    id: LINE_ID,
    contractId: ACTIVE.id,
    billingMethod: 'TIME_AND_MATERIALS',
    amountE4: null,
    notToExceedE4: ACTIVE.totalContractValue.amountE4,
    currency: 'USD',
    rateCardId: 'rc_a1',
    markupPercentE4: null,
    contractVersion: 1,
  };
  const draft: BillingDraft = {
    id: 'bd_a1',
    projectId: 'prj_a1',
    contractId: ACTIVE.id,
    legalEntityId: 'le_US01',
    accountId: 'acc_c1',
    cutoffDate: '2026-02-28',
    status: 'DRAFT',
    summaryE4: billedE4,
    currency: 'USD',
    invoiceId: null,
    invoiceNumber: null,
    aggregateVersion: 1,
  };
  const item: BillingDraftItem = {
    id: 'bdi_a1',
    draftId: draft.id,
    sourceType: 'TIME_SPLIT',
    sourceId: 'te_a1',
    description: 'Consultant',
    quantityE2: 100,
    unitPriceE4: billedE4,
    amountE4: billedE4,
    taxTreatment: 'STANDARD',
  };
  const none: never[] = [];
  const psaVendor = new InMemoryVendor();
  await loadPsa(psaVendor, {
    roles: none,
    resources: none,
    projects: none,
    lines: [line],
    milestones: none,
    assignments: none,
    requests: none,
    timecards: none,
    entries: none,
    drafts: [draft],
    items: billedE4 > 0 ? [item] : none,
    expenses: none,
    billingControls: { holds: none, writeOffs: none, releasedItems: none },
    sourceCredits: none,
  } as unknown as PsaData);
  const psaLedger = await openLedger('psa');
  const psa = createMemoryPsaAdapter(psaVendor, psaLedger);
  return {
    crm,
    psa,
    crmRun: portRunner('crm', crmCapabilities, crm, T0).run,
    psaRun: portRunner('psa', psaCapabilities, psa, T0).run,
    close: async () => {
      await crmLedger.destroy();
      await psaLedger.destroy();
    },
  };
}

const CENTS = 10_000;
/** Which operation answered what, over all runs: the sequences reach every outcome. */
const seen = new Set<string>();

describe('random contract amendment sequences (in-memory CRM and PSA)', () => {
  it('keep the lines summing to the contract value, the cap above what is billed, one version per approval, one proposal pending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 150_000 }), fc.array(op, { minLength: 1, maxLength: 12 }), async (billed, ops) => {
        const billedE4 = billed * CENTS;
        const s = await open(billedE4);
        let step = 0;
        try {
          const state = async () => {
            const contract = (await s.crm.reads(ALL_RECORDS).contractsByIds([ACTIVE.id]))[0]!;
            const amendments = await s.crm.reads(ALL_RECORDS).contractAmendmentsByContractIds([ACTIVE.id]);
            const lines = await s.psa.reads(ALL_RECORDS).contractLinesByContractIds([ACTIVE.id]);
            return { contract, amendments, lines };
          };
          for (const next of ops) {
            const before = await state();
            const pending = before.amendments.find((a) => a.status === 'PROPOSED') ?? null;
            const key = `k${++step}`;
            const principal = PEOPLE[next.by];
            const closeInput = (a: ContractAmendment) => ({
              contractId: ACTIVE.id,
              amendmentId: a.id,
              expectedVersion: before.contract.aggregateVersion,
              reason: `${next.kind} ${step}`,
            });
            let code: string | null = null;
            let expected: string | null = null;
            if (next.kind === 'propose') {
              const { result } = await s.crmRun(
                'amendContract',
                {
                  contractId: ACTIVE.id,
                  expectedVersion: before.contract.aggregateVersion,
                  kind: 'CHANGE_ORDER',
                  reason: `step ${step}`,
                  totalContractValue: `${next.value}.00`,
                  lines: [{ lineId: LINE_ID, notToExceed: `${next.value + (next.capOff ? 1 : 0)}.00` }],
                },
                { principal, key },
              );
              code = result.ok ? null : result.error.code;
              // The line change alone is a change: a proposal of the value in force is still one.
              expected = pending ? 'AMENDMENT_PENDING' : null;
            } else if (!pending) {
              continue;
            } else if (next.kind === 'approve') {
              // The ERP's approveContractAmendment: an independent approver, the PSA step, then the CRM step.
              const valueE4 = pending.newValue.amountE4;
              const capE4 = Math.round(Number(pending.lineChanges[0]!.notToExceed) * CENTS);
              expected = !isIndependentApprover(next.by, pending.requestedBy)
                ? 'SEGREGATION_OF_DUTIES'
                : capE4 !== valueE4
                  ? 'CONTRACT_LINES_DO_NOT_SUM'
                  : capE4 < billedE4
                    ? 'AMENDMENT_BELOW_BILLED'
                    : null;
              if (expected === 'SEGREGATION_OF_DUTIES') {
                code = expected;
              } else {
                const facts = {
                  contract: {
                    id: ACTIVE.id,
                    status: 'ACTIVE',
                    legalEntityId: 'le_US01',
                    accountId: 'acc_c1',
                    billingMethod: 'TIME_AND_MATERIALS',
                    totalContractValueE4: before.contract.totalContractValue.amountE4,
                    currency: 'USD',
                    startDate: ACTIVE.startDate,
                    endDate: before.contract.endDate,
                  },
                  rateCards: [],
                };
                const stepKey = `erp.approveContractAmendment:${pending.id}`;
                const lines = await s.psaRun(
                  'recordContractAmendment',
                  {
                    contractId: ACTIVE.id,
                    amendmentId: pending.id,
                    version: pending.toVersion,
                    totalContractValue: `${valueE4 / CENTS}.00`,
                    lines: pending.lineChanges,
                  },
                  { principal: systemPrincipal('erp'), key: stepKey, facts },
                );
                code = lines.result.ok ? null : lines.result.error.code;
                if (code === null) {
                  const approval = await s.crmRun(
                    'recordContractAmendmentApproval',
                    { contractId: ACTIVE.id, amendmentId: pending.id, approvedBy: next.by },
                    { principal: systemPrincipal('erp'), key: stepKey },
                  );
                  code = approval.result.ok ? null : approval.result.error.code;
                }
              }
            } else {
              const own = !isIndependentApprover(next.by, pending.requestedBy);
              expected = next.kind === 'reject' ? (own ? 'SEGREGATION_OF_DUTIES' : null) : own ? null : 'AMENDMENT_NOT_PROPOSER';
              const { result } = await s.crmRun(
                next.kind === 'reject' ? 'rejectContractAmendment' : 'withdrawContractAmendment',
                closeInput(pending),
                { principal, key },
              );
              code = result.ok ? null : result.error.code;
            }
            expect({ step, op: next, code }).toEqual({ step, op: next, code: expected });
            seen.add(`${next.kind}:${code ?? 'ok'}`);

            const after = await state();
            const approved = after.amendments.filter((a) => a.status === 'APPROVED');
            // Σ lines = the contract value (a T&M line's value is its cap), and the cap never below what is billed or on draft.
            const capE4 = after.lines.reduce((sum, l) => sum + (l.notToExceedE4 ?? l.amountE4 ?? 0), 0);
            expect(capE4).toBe(after.contract.totalContractValue.amountE4);
            expect(capE4).toBeGreaterThanOrEqual(Math.min(billedE4, ACTIVE.totalContractValue.amountE4));
            if (approved.length > 0) expect(capE4).toBeGreaterThanOrEqual(billedE4);
            // One APPROVED amendment per version after the first, in order; the lines carry the version in force.
            expect(after.contract.version).toBe(1 + approved.length);
            expect(approved.map((a) => a.toVersion)).toEqual(approved.map((_, i) => i + 2));
            expect(after.lines.map((l) => l.contractVersion ?? 1)).toEqual([after.contract.version]);
            if (approved.length > 0) expect(after.contract.totalContractValue).toEqual(approved.at(-1)!.newValue);
            // At most one PROPOSED; closed ones keep who, when and why.
            expect(after.amendments.filter((a) => a.status === 'PROPOSED').length).toBeLessThanOrEqual(1);
            for (const closed of after.amendments.filter((a) => a.status === 'REJECTED' || a.status === 'WITHDRAWN')) {
              expect(closed.closedBy === closed.requestedBy).toBe(closed.status === 'WITHDRAWN');
              expect(closed.closeReason).toMatch(/^(reject|withdraw) \d+$/);
            }
          }
        } finally {
          await s.close();
        }
      }),
      { numRuns: 60 },
    );
    expect(
      [
        'propose:ok',
        'approve:ok',
        'approve:AMENDMENT_BELOW_BILLED',
        'approve:CONTRACT_LINES_DO_NOT_SUM',
        'reject:ok',
        'withdraw:ok',
      ].filter((outcome) => !seen.has(outcome)),
    ).toEqual([]);
  });
});
