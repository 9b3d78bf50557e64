/** Every reference system gets the capability tables as its second migration, its workflows as its third. */
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openReferenceSystem } from '../../systems/kernel/openReferenceSystem.ts';
import { SYSTEMS } from '../../systems/systems.ts';
import { APPEND_ONLY_MESSAGE } from '../../systems/kernel/capability/appendOnlyAudit.ts';
import { tempSqliteStore } from '../harness/tempDatabase.ts';

const temp = tempSqliteStore();
afterAll(() => temp.remove());

describe('capability tables in every reference system', () => {
  it.each(
    Object.values(SYSTEMS)
      .filter((system) => system.name !== 'integration')
      .map((system) => [system.name, system] as const),
  )('%s has 0001 core, 0002 capabilities, 0003 workflows, 0004 canonical answers', (name, system) => {
    expect(Object.keys(system.migrations)).toEqual([
      `0001_${name}_core`,
      `0002_${name}_capabilities`,
      `0003_${name}_workflows`,
      `0004_${name}_canonical_answers`,
      // The CRM's own upgrade: opportunity lines name the PSA role they need.
      ...(name === 'crm' ? ['0005_crm_opportunity_line_roles'] : []),
      // The ERP's own upgrade: billing profiles are versioned (credit holds placed and released by capability).
      ...(name === 'erp' ? ['0005_erp_billing_profile_versions'] : []),
      // Issue 12 (finance depth): every helper's new tables and columns merged into each system's next migration.
      `${{ crm: '0006', psa: '0005', erp: '0006' }[name]}_${name}_finance_depth`,
      // Issue 13: where a vendor CRM's change capture keeps its marks (docs/connectors.md#change-capture).
      ...(name === 'crm' ? ['0007_crm_connector_change_capture', '0008_crm_remote_ledger'] : []),
      // Issue 13: contacts name their source CRM, accounts carry tax ids (docs/crosswalk.md).
      ...(name === 'crm' ? ['0009_crm_contact_sources', '0010_crm_account_tax_ids'] : []),
      // Every system's outbox carries the trace (docs/processes.md#calling-capabilities).
      `0100_${name}_event_trace`,
    ]);
  });

  it('the integration system, new in this release, has 0001 core, 0002 capabilities, 0003 workflows and no old answers to upgrade', () => {
    expect(Object.keys(SYSTEMS.integration.migrations)).toEqual([
      '0001_integration_core',
      '0002_integration_capabilities',
      '0003_integration_workflows',
      // The crosswalk of two CRMs (docs/crosswalk.md).
      '0004_integration_crosswalk',
      '0100_integration_event_trace',
    ]);
  });

  it('creates the tables when a system is opened', async () => {
    const crm = await openReferenceSystem(SYSTEMS.crm, temp.store);
    try {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(
        crm.db as Kysely<unknown>,
      );
      expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['audit_log', 'idempotency_records', 'outbox_events']));
    } finally {
      await crm.close();
    }
  });

  it('refuses to update or delete an audit row, whoever asks', async () => {
    const crm = await openReferenceSystem(SYSTEMS.crm, temp.store);
    try {
      const db = crm.db as Kysely<unknown>;
      await sql`insert into audit_log (id, occurred_at, request_id, principal_sub, client_id, capability, version, idempotency_key, inputs_digest, outcome, error_code, duration_ms)
        values ('a1', '2026-11-26T00:00:00.000Z', 'r1', 'alice', null, 'crm.test', 1, 'k1', 'd', 'SUCCEEDED', null, 3)`.execute(db);
      await expect(sql`update audit_log set outcome = 'FAILED' where id = 'a1'`.execute(db)).rejects.toThrow(APPEND_ONLY_MESSAGE);
      await expect(sql`delete from audit_log where id = 'a1'`.execute(db)).rejects.toThrow(APPEND_ONLY_MESSAGE);
      const rows = await sql<{ outcome: string }>`select outcome from audit_log where id = 'a1'`.execute(db);
      expect(rows.rows).toEqual([{ outcome: 'SUCCEEDED' }]);
    } finally {
      await crm.close();
    }
  });
});
