import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../auth/principal.ts';
import { legalEntityScoped } from '../../policies/named/legalEntityScoped.ts';
import { partnerAccountScoped } from '../../policies/named/partnerAccountScoped.ts';
import { segregationOfDuties } from '../../policies/named/segregationOfDuties.ts';
import { definePolicy, type NamedPolicy } from '../../policies/namedPolicy.ts';
import { NAMED_POLICIES } from '../../policies/registry.ts';
import { NO_RECORDS, recordScope, rulesOf, scopeAllowing, sees, type Allowed, type RecordScope } from '../../policies/recordScope.ts';
import { columnIn } from '../../policies/recordSql.ts';
import { decide } from '../../policies/requirements.ts';
import { inScope, type ScopedColumnNames } from '../../systems/kernel/sqlPage.ts';
import { isVisible, visibleRows, type ScopedColumns } from '../../systems/kernel/visibleRows.ts';

interface Db {
  records: { id: string; legal_entity_id: string; account_id: string | null; region: string | null };
}
type RecordRow = Db['records'];

const ROWS: RecordRow[] = [
  { id: 'r1', legal_entity_id: 'le_US01', account_id: 'acc_1', region: 'EU' },
  { id: 'r2', legal_entity_id: 'le_UK01', account_id: 'acc_2', region: 'US' },
  { id: 'r3', legal_entity_id: 'le_UK01', account_id: null, region: null },
];

let db: Kysely<Db>;
beforeAll(async () => {
  db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('legal_entity_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('region', 'text')
    .execute();
  await db.insertInto('records').values(ROWS).execute();
});
afterAll(async () => db?.destroy());

const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
const claims = (extra: object) => principalFromClaims({ sub: 'caller', ...extra });

/** A third record policy, as a new file in policies/named/ would define it: the kernel must apply it untouched. */
const regionScoped = definePolicy({
  name: 'regionScoped',
  description: 'only records of the regions in the roles',
  admits: (principal) => principal !== null && principal.roles.some((role) => role.startsWith('region:')),
  record: {
    attribute: 'region',
    visible: (principal) => principal.roles.filter((role) => role.startsWith('region:')).map((role) => role.slice('region:'.length)),
    sees: (allowed, value) => value !== null && allowed.includes(value),
    sql: columnIn,
  },
});
const WITH_REGIONS: ReadonlyMap<string, NamedPolicy> = new Map([...NAMED_POLICIES, [regionScoped.name, regionScoped]]);
const byRegion = { legalEntity: 'legal_entity_id', account: 'account_id', region: 'region' } as unknown as ScopedColumnNames;
const regionOf = {
  legalEntity: (row: RecordRow) => row.legal_entity_id,
  account: (row: RecordRow) => row.account_id,
  region: (row: RecordRow) => row.region,
} as unknown as ScopedColumns<RecordRow>;

describe('a named policy is one definition', () => {
  it('the gateway admits with, and the kernel filters with, the objects exported by policies/named/', () => {
    expect(NAMED_POLICIES.get('legalEntityScoped')).toBe(legalEntityScoped);
    expect(NAMED_POLICIES.get('partnerAccountScoped')).toBe(partnerAccountScoped);
    expect(NAMED_POLICIES.get('segregationOfDuties')).toBe(segregationOfDuties);
    const rules = rulesOf(recordScope(claims({ legal_entities: ['UK01'] })));
    expect(rules).toHaveLength(2);
    expect(rules[0]).toBe(legalEntityScoped.record);
    expect(rules[1]).toBe(partnerAccountScoped.record);
    expect(rulesOf(NO_RECORDS)[0]).toBe(legalEntityScoped.record);
    expect(segregationOfDuties.record).toBeUndefined();
  });

  it('a policy added to a registry is decided by the gateway and applied by the kernel from that one object', async () => {
    const eu = claims({ legal_entities: '*', roles: ['region:EU'] });
    const requirement = [{ kind: 'policies' as const, anyOf: [['regionScoped']] }];
    expect(decide(requirement, eu, WITH_REGIONS)).toEqual({ allowed: true });
    expect(decide(requirement, claims({ legal_entities: '*' }), WITH_REGIONS)).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      reason: 'denied by policy regionScoped',
    });
    const scope = recordScope(eu, WITH_REGIONS);
    expect(scope).toEqual({ legalEntity: null, account: null, region: ['EU'] });
    expect(rulesOf(scope)[2]).toBe(regionScoped.record);

    // The kernel, unchanged, applies the new rule in SQL (pages, counts) and to rows (lookups by id, _entities).
    expect(ids(await inScope(db.selectFrom('records'), scope, byRegion).selectAll().execute())).toEqual(['r1']);
    expect(ids(ROWS.filter(isVisible(scope, regionOf)))).toEqual(['r1']);
    expect(ids(await visibleRows(async () => ROWS, scope, regionOf)(['r1', 'r2', 'r3']))).toEqual(['r1']);
    expect([sees(scope, 'region' as never, 'EU'), sees(scope, 'region' as never, 'US'), sees(scope, 'region' as never, null)]).toEqual([
      true,
      false,
      false,
    ]);
    // Anonymous: nothing, through the new rule too.
    const anonymous = recordScope(null, WITH_REGIONS);
    expect(anonymous).toEqual({ legalEntity: [], account: [], region: [] });
    expect(
      ids(
        await inScope(db.selectFrom('records'), anonymous, { region: 'region' } as unknown as ScopedColumnNames)
          .selectAll()
          .execute(),
      ),
    ).toEqual([]);
  });
});

describe('the kernel applies the registered rules', () => {
  const ukPartner = recordScope(claims({ legal_entities: ['UK01'], partner_accounts: ['acc_2'] }));

  it('writes the SQL it wrote before: one IN list per restricted attribute, 1 = 0 for nothing, nothing when unrestricted', () => {
    const compiled = (scope: RecordScope, columns: ScopedColumnNames) => {
      const query = inScope(db.selectFrom('records'), scope, columns).selectAll().compile();
      return { sql: query.sql, parameters: query.parameters };
    };
    const both = { legalEntity: 'legal_entity_id', account: 'account_id' };
    expect(compiled(ukPartner, both)).toEqual({
      sql: 'select * from "records" where "legal_entity_id" in (?) and "account_id" in (?)',
      parameters: ['le_UK01', 'acc_2'],
    });
    expect(compiled(NO_RECORDS, both)).toEqual({ sql: 'select * from "records" where 1 = 0 and 1 = 0', parameters: [] });
    expect(compiled(recordScope(claims({ legal_entities: '*' })), both)).toEqual({ sql: 'select * from "records"', parameters: [] });
    expect(compiled(ukPartner, { account: 'account_id' })).toEqual({
      sql: 'select * from "records" where "account_id" in (?)',
      parameters: ['acc_2'],
    });
    expect(compiled(ukPartner, {})).toEqual({ sql: 'select * from "records"', parameters: [] });
  });

  it('applies each rule only where the table or row declares its attribute', () => {
    const legalEntityOnly = { legalEntity: (row: RecordRow) => row.legal_entity_id };
    expect(ids(ROWS.filter(isVisible(ukPartner, legalEntityOnly)))).toEqual(['r2', 'r3']);
    expect(ids(ROWS.filter(isVisible(ukPartner, { ...legalEntityOnly, account: (row: RecordRow) => row.account_id })))).toEqual(['r2']);
  });

  it('refuses a column key no registered policy reads, rather than filtering nothing', () => {
    const misspelt = { legalEntitty: 'legal_entity_id' } as unknown as ScopedColumnNames;
    expect(() => inScope(db.selectFrom('records'), ukPartner, misspelt)).toThrow(
      new TypeError('no registered record policy reads the attribute "legalEntitty"'),
    );
    expect(() => isVisible(ukPartner, { acount: (row: RecordRow) => row.account_id } as unknown as ScopedColumns<RecordRow>)).toThrow(
      new TypeError('no registered record policy reads the attribute "acount"'),
    );
  });

  it('refuses a scope that did not come from the registered policies', () => {
    const forged = { legalEntity: null, account: null } as unknown as RecordScope;
    expect(() => inScope(db.selectFrom('records'), forged, { account: 'account_id' })).toThrow(
      new TypeError('a record scope must come from recordScope() or scopeAllowing()'),
    );
  });

  it('builds a scope from data only when every registered attribute is given', () => {
    expect(scopeAllowing({ legalEntity: ['le_UK01'], account: null })).toEqual({ legalEntity: ['le_UK01'], account: null });
    expect(() => scopeAllowing({ legalEntity: null } as unknown as Allowed)).toThrow(
      new TypeError('a record scope must say what the caller may see of "account"'),
    );
  });

  it('refuses two record policies on one attribute', () => {
    const twin = definePolicy({ ...partnerAccountScoped, name: 'partnerAccountScopedAgain' });
    expect(() => recordScope(null, new Map([...NAMED_POLICIES, [twin.name, twin]]))).toThrow(
      new TypeError('two record policies read the attribute "account"; one attribute has one rule'),
    );
  });
});
