/** 0004 pages through the stored answers: more records than one batch, old and canonical mixed, all of them right. */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { opportunityRow } from '../../../systems/crm/adapters/sql/rows.ts';
import type { Opportunity } from '../../../systems/crm/ports/types.ts';
import { capabilityTables, type CapabilityTables, type IdempotencyRecordRow } from '../../../systems/kernel/capability/tables.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { SYSTEMS } from '../../../systems/systems.ts';
import { storedAnswers, UPGRADE } from './previousRelease.ts';

const db = new Kysely<CapabilityTables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
afterAll(() => db.destroy());

function opportunity(n: number): Opportunity {
  return {
    id: `opp_${String(n).padStart(5, '0')}`,
    accountId: 'acc_00001',
    name: `Deal ${n}`,
    stage: 'CLOSED_WON',
    sourceStage: 'Closed Won',
    probability: 100,
    forecastCategory: 'CLOSED',
    type: 'NEW_BUSINESS',
    amount: { amountE4: 1_000_000 * n, currency: 'USD' },
    closeDate: '2026-01-15',
    lossReason: null,
    legalEntityId: 'le_US01',
    primaryContactId: null,
    source: { system: 'SALESFORCE', id: `006${n}` },
    aggregateVersion: 2,
  };
}

describe('0004 in batches', () => {
  it('converts every old answer of 450, keeps the canonical ones, and is a no-op the second time', async () => {
    await createTablesMigration(capabilityTables).up(db as Kysely<unknown>);
    const records = Array.from({ length: 450 }, (_, n) => {
      // Every third answer is canonical already (this release stored it).
      const record = n % 3 === 0 ? opportunity(n) : opportunityRow(opportunity(n));
      return {
        id: `rec-${String(n).padStart(4, '0')}`,
        principal_sub: 'test-admin',
        client_id: '',
        capability: 'crm.closeWinOpportunity',
        idempotency_key: `key-${n}`,
        request_hash: 'h',
        status: 'COMPLETED',
        response_json: JSON.stringify({ ok: true, value: { opportunity: record } }),
        created_at: '2026-01-15T00:00:00.000Z',
        expires_at: '2027-02-19T00:00:00.000Z',
      } as IdempotencyRecordRow;
    });
    await db.insertInto('idempotency_records').values(records).execute();
    const upgrade = SYSTEMS.crm.migrations[UPGRADE('crm')]!;
    await upgrade.up(db as Kysely<unknown>);
    const expected = Object.fromEntries(
      records.map((record, n) => [record.id, JSON.stringify({ ok: true, value: { opportunity: opportunity(n) } })]),
    );
    expect(await storedAnswers(db as Kysely<unknown>)).toEqual(expected);
    await upgrade.up(db as Kysely<unknown>);
    expect(await storedAnswers(db as Kysely<unknown>)).toEqual(expected);
  });
});
