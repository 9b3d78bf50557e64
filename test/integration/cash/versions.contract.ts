/**
 * The cash consumer's invoice states by aggregate version (docs/processes.md#cash), the same suite
 * on SQLite and PostgreSQL: whatever order the states of an invoice arrive in, duplicates included,
 * the stored row is the state of the highest version, and only a newer state counts as a change.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { cashTables, recordInvoiceState, type CashTables, type ErpInvoice } from '../../../systems/integration/sagas/cash.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';

const NOW = new Date('2026-12-01T02:00:00.000Z');
const STATUSES = ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED'] as const;

/** An amount of cents as the ERP answers it (two decimals). */
const amount = (cents: number) => ({ amount: (cents / 100).toFixed(2) });

/** The invoice `id` as the ERP would answer it at `version` (its amounts derived from the version, so each state differs). */
function stateAt(id: string, version: number, paidCents: number, creditedCents: number): ErpInvoice {
  const totalCents = 1_000_000;
  return {
    id,
    kind: 'INVOICE',
    status: STATUSES[version % STATUSES.length]!,
    currency: id.endsWith('gbp') ? 'GBP' : 'USD',
    aggregateVersion: version,
    project: id.startsWith('inv_p') ? { id: 'prj_1' } : null,
    customer: { id: 'acc_1' },
    legalEntity: { id: 'le_US01' },
    total: amount(totalCents),
    amountPaid: amount(paidCents),
    amountCredited: amount(creditedCents),
    amountDue: amount(totalCents - paidCents - creditedCents),
  };
}

/** Distinct versions of one invoice, each with its own paid and credited amounts. */
const versions = fc.uniqueArray(
  fc.record({
    version: fc.integer({ min: 1, max: 40 }),
    paid: fc.integer({ min: 0, max: 500_000 }),
    credited: fc.integer({ min: 0, max: 500_000 }),
  }),
  { minLength: 1, maxLength: 8, selector: (state) => state.version },
);

export function cashVersionsSuite(makeStore: () => Promise<TempStore>): void {
  let temp: TempStore;
  let db: Kysely<CashTables>;
  beforeAll(async () => {
    temp = await makeStore();
    db = await openDatabase<CashTables>({ store: temp.store, name: 'integration' });
    await createTablesMigration(cashTables).up(db as Kysely<unknown>);
  });
  afterAll(async () => {
    await closeDatabase(db as Kysely<unknown>);
    await temp.remove();
  });

  it('any permutation of an invoice’s states, each delivered up to three times, leaves the state of the highest version', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('inv_p_usd', 'inv_x_gbp'),
        versions.chain((states) =>
          fc.tuple(
            fc.constant(states),
            // Every state once, then duplicates, all shuffled together.
            fc
              .array(fc.constantFrom(...states), { maxLength: 2 * states.length })
              .chain((copies) => fc.shuffledSubarray([...states, ...copies], { minLength: states.length + copies.length })),
          ),
        ),
        async (kind, [states, deliveries]) => {
          const id = `${kind}_${++run}`;
          const changed: boolean[] = [];
          for (const { version, paid, credited } of deliveries) {
            changed.push(await recordInvoiceState(db, stateAt(id, version, paid, credited), NOW));
          }
          const highest = states.reduce((top, state) => (state.version > top.version ? state : top));
          const expected = stateAt(id, highest.version, highest.paid, highest.credited);
          const row = await db.selectFrom('cash_invoices').selectAll().where('invoice_id', '=', id).executeTakeFirstOrThrow();
          expect(row).toEqual({
            invoice_id: id,
            project_id: expected.project?.id ?? null,
            account_id: 'acc_1',
            legal_entity_id: 'le_US01',
            currency: expected.currency,
            status: expected.status,
            total_e4: 100_000_000,
            paid_e4: highest.paid * 100,
            credited_e4: highest.credited * 100,
            due_e4: (1_000_000 - highest.paid - highest.credited) * 100,
            invoice_version: highest.version,
            updated_at: NOW.toISOString(),
          });
          // A delivery changes the row exactly when its version is above every one before it.
          let top = 0;
          const expectedChanges = deliveries.map(({ version }) => (version > top ? ((top = version), true) : false));
          expect(changed).toEqual(expectedChanges);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an older state after a newer one changes nothing, and the same version twice is stored once', async () => {
    expect(await recordInvoiceState(db, stateAt('inv_p_fixed', 3, 400_000, 0), NOW)).toBe(true);
    expect(await recordInvoiceState(db, stateAt('inv_p_fixed', 1, 0, 0), NOW)).toBe(false);
    expect(await recordInvoiceState(db, stateAt('inv_p_fixed', 3, 999_999, 0), NOW)).toBe(false);
    const row = await db
      .selectFrom('cash_invoices')
      .select(['invoice_version', 'paid_e4', 'due_e4', 'status'])
      .where('invoice_id', '=', 'inv_p_fixed')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ invoice_version: 3, paid_e4: 40_000_000, due_e4: 60_000_000, status: 'CREDITED' });
  });
}
