import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { onPostgres } from '../harness/onPostgres.ts';
import { recordRulesContract, type RecordsDb } from './recordRules.contract.ts';

onPostgres('record rules', (makeStore) =>
  recordRulesContract(
    'PostgreSQL',
    async () => {
      const temp = await makeStore();
      if (temp.store.kind !== 'postgres') throw new Error('a PostgreSQL store was expected');
      const db = new Kysely<RecordsDb>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: temp.store.url, max: 2 }) }),
      });
      return {
        db,
        close: async () => {
          await db.destroy();
          await temp.remove();
        },
      };
    },
    100,
  ),
);
