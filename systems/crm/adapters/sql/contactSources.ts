/**
 * 0009: every contact names its source (docs/model.md#external-references), as accounts and
 * opportunities do. The columns arrive empty on the rows before; each such contact is given its
 * account's system and, for its id there, its own id (the reference CRM assigned it, as it does for
 * the opportunities it opens). Then the pair is unique, as the accounts' and opportunities' pairs are.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { createTablesMigration } from '../../../kernel/tableSpec.ts';
import { crmTables } from './tables.ts';

const columns = createTablesMigration(crmTables, 9);

export const crmContactSources: Migration = {
  async up(db: Kysely<unknown>) {
    await columns.up(db);
    await sql`update contacts
      set source_system = (select accounts.source_system from accounts where accounts.id = contacts.account_id), source_id = id
      where source_id = ''`.execute(db);
    await db.schema
      .createIndex('contacts_source_system_source_id_uq')
      .unique()
      .on('contacts')
      .columns(['source_system', 'source_id'])
      .execute();
  },
};
