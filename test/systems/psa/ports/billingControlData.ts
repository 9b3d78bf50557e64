/**
 * Billing controls for the PSA port contract suites (the generated dataset has none): on the first
 * projects with approved time, a project hold (ACTIVE), a released source hold, a requested and an
 * approved write-off, and an item a discarded draft released, built deterministically.
 */
import type { BillingHold, SourceWriteOff } from '../../../../systems/psa/ports/billingControls.ts';
import type { BillingDraft, BillingDraftItem, Project, TimeEntry } from '../../../../systems/psa/ports/types.ts';

export interface BillingControlData {
  readonly holds: readonly BillingHold[];
  readonly writeOffs: readonly SourceWriteOff[];
  readonly releasedItems: readonly BillingDraftItem[];
}

export function billingControls(
  projects: readonly Project[],
  entries: readonly TimeEntry[],
  drafts: readonly BillingDraft[],
): BillingControlData {
  const billed = entries.filter((e) => e.billableE4 > 0);
  const [first, second] = [billed[0]!, billed.find((e) => e.projectId !== billed[0]!.projectId)!];
  const currencyOf = (entry: TimeEntry) => projects.find((p) => p.id === entry.projectId)!.currency;
  const hold = (id: string, entry: TimeEntry, source: boolean, released: boolean): BillingHold => ({
    id,
    projectId: entry.projectId,
    sourceType: source ? 'TIME_SPLIT' : null,
    sourceId: source ? entry.id : null,
    status: released ? 'RELEASED' : 'ACTIVE',
    reason: `Port ${id}`,
    heldBy: 'alice',
    heldAt: '2026-01-05T10:00:00.000Z',
    releasedBy: released ? 'bob' : null,
    releasedAt: released ? '2026-01-06T10:00:00.000Z' : null,
    aggregateVersion: released ? 2 : 1,
  });
  const writeOff = (id: string, entry: TimeEntry, approved: boolean): SourceWriteOff => ({
    id,
    projectId: entry.projectId,
    sourceType: 'TIME_SPLIT',
    sourceId: entry.id,
    amountE4: entry.billableE4,
    currency: currencyOf(entry),
    reasonCode: approved ? 'GOODWILL' : 'DISPUTE',
    reasonText: `Port ${id}`,
    status: approved ? 'APPROVED' : 'REQUESTED',
    requestedBy: 'alice',
    requestedAt: '2026-01-05T10:00:00.000Z',
    decidedBy: approved ? 'bob' : null,
    decidedAt: approved ? '2026-01-06T10:00:00.000Z' : null,
    decisionNote: null,
    aggregateVersion: approved ? 2 : 1,
  });
  const draft = drafts[0]!;
  return {
    holds: [hold('bh_port_1', first, false, false), hold('bh_port_2', first, true, true), hold('bh_port_3', second, true, false)],
    writeOffs: [writeOff('wo_port_1', first, false), writeOff('wo_port_2', second, true)],
    releasedItems: [
      {
        id: 'bdi_port_released_000000',
        draftId: draft.id,
        sourceType: 'TIME_SPLIT',
        sourceId: first.id,
        description: 'Released',
        quantityE2: 100,
        unitPriceE4: 1_000_000,
        amountE4: 1_000_000,
        taxTreatment: 'STANDARD',
      },
    ],
  };
}
