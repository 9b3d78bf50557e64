/**
 * The two forms of every registered record rule agree: for random callers and random rows, the SQL
 * the kernel adds to a page (`inScope`, run through Kysely with `keysetPage`: rows and count) selects
 * exactly the rows the row rule (`isVisible`, used on lookups by id and `_entities`) keeps, for a
 * table scoped by each registered attribute alone and by all of them.
 *
 * One known difference is pinned rather than hidden: a NULL legal entity. The row rule sees such a
 * record (it is not scoped by legal entity); SQL hides it (NULL is in no list). No scoped table has a
 * nullable legal-entity column (nullValues.test.ts), so no caller can tell.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../auth/principal.ts';
import { NAMED_POLICIES } from '../../policies/registry.ts';
import { recordScope, scopeAllowing, type Allowed, type RecordScope } from '../../policies/recordScope.ts';
import { inScope, keysetPage, type ScopedColumnNames } from '../../systems/kernel/sqlPage.ts';
import { isVisible, type ScopedColumns } from '../../systems/kernel/visibleRows.ts';

/** Attributes whose rule sees a NULL value that SQL hides (see above). */
export const SQL_HIDES_NULL_THE_ROW_RULE_SEES: ReadonlySet<string> = new Set(['legalEntity']);

const ATTRIBUTES = [...NAMED_POLICIES.values()].flatMap((policy) => (policy.record ? [policy.record.attribute] : []));
/** Values any attribute may hold: some a caller may be allowed, some no caller is. */
const VALUES = ['le_US01', 'le_UK01', 'le_DE01', 'le_ZZ99', 'acc_1', 'acc_2', 'acc_3', 'acc_9'];

type Row = { readonly id: string } & { readonly [column: string]: string | null };
export interface RecordsDb {
  scoped_records: Row;
}

const columnOf = (attribute: string) => `v_${attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;

/** Every non-empty set of attributes a table may be scoped by. */
const DECLARATIONS = ATTRIBUTES.flatMap((_, size) => combinations(ATTRIBUTES, size + 1));

const principals = fc.oneof(
  fc.constant(null),
  fc
    .record(
      {
        legal_entities: fc.oneof(
          fc.constant('*' as const),
          fc.uniqueArray(fc.constantFrom('US01', 'UK01', 'DE01', 'XX01'), { maxLength: 3 }),
        ),
        partner_accounts: fc.uniqueArray(fc.constantFrom('acc_1', 'acc_2', 'acc_3', 'acc_7'), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map((claims) => principalFromClaims({ sub: 'caller', ...claims })),
);

/** A caller's scope: from a principal, or any lists at all for every registered attribute. */
const scopes: fc.Arbitrary<RecordScope> = fc.oneof(
  principals.map((principal) => recordScope(principal)),
  fc
    .tuple(...ATTRIBUTES.map(() => fc.option(fc.uniqueArray(fc.constantFrom(...VALUES), { maxLength: 4 }), { nil: null })))
    .map((lists) =>
      scopeAllowing(Object.fromEntries(ATTRIBUTES.map((attribute, index) => [attribute, lists[index]])) as unknown as Allowed),
    ),
);

const rows: fc.Arbitrary<Row[]> = fc
  .array(fc.tuple(...ATTRIBUTES.map(() => fc.option(fc.constantFrom(...VALUES), { nil: null }))), { maxLength: 30 })
  .map((tuples) =>
    tuples.map((values, index) => ({
      id: `rec_${String(index).padStart(3, '0')}`,
      ...Object.fromEntries(ATTRIBUTES.map((attribute, at) => [columnOf(attribute), values[at] ?? null])),
    })),
  );

export function recordRulesContract(
  engine: string,
  open: () => Promise<{ db: Kysely<RecordsDb>; close(): Promise<void> }>,
  numRuns: number,
): void {
  describe(`record rules on ${engine}: SQL and rows agree`, () => {
    let db: Kysely<RecordsDb>;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ db, close } = await open());
      let table = db.schema.createTable('scoped_records').addColumn('id', 'text', (column) => column.primaryKey());
      for (const attribute of ATTRIBUTES) table = table.addColumn(columnOf(attribute), 'text');
      await table.execute();
    });
    afterAll(async () => close?.());

    it('registers a record rule for legal entities and one for accounts', () => {
      expect(ATTRIBUTES).toEqual(['legalEntity', 'account']);
      expect(DECLARATIONS).toEqual([['legalEntity'], ['account'], ['legalEntity', 'account']]);
    });

    it('selects the same rows and count in SQL as the row rule keeps, for every scoped attribute', async () => {
      await fc.assert(
        fc.asyncProperty(scopes, rows, async (scope, stored) => {
          await db.deleteFrom('scoped_records').execute();
          if (stored.length > 0) await db.insertInto('scoped_records').values(stored).execute();
          for (const attributes of DECLARATIONS) {
            const columns = Object.fromEntries(attributes.map((attribute) => [attribute, columnOf(attribute)])) as ScopedColumnNames;
            const accessors = Object.fromEntries(
              attributes.map((attribute) => [attribute, (row: Row) => row[columnOf(attribute)] ?? null]),
            ) as ScopedColumns<Row>;
            const page = await keysetPage(inScope(db.selectFrom('scoped_records'), scope, columns), { first: 100, afterId: null });
            const kept = stored.filter(isVisible(scope, accessors));
            const knownGap = (row: Row) =>
              attributes.some(
                (attribute) =>
                  SQL_HIDES_NULL_THE_ROW_RULE_SEES.has(attribute) && scope[attribute] !== null && row[columnOf(attribute)] === null,
              );
            const expected = kept.filter((row) => !knownGap(row)).map((row) => row.id);
            expect({ attributes, rows: page.rows.map((row) => row.id), total: page.total }).toEqual({
              attributes,
              rows: expected,
              total: expected.length,
            });
          }
        }),
        { numRuns },
      );
    });
  });
}

function combinations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, index) => combinations(items.slice(index + 1), size - 1).map((rest) => [item, ...rest]));
}
