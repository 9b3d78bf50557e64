import { onPostgres } from '../../harness/onPostgres.ts';
import { realSchemaContract } from './realSchema.contract.ts';

onPostgres('registry realSchema', (makeStore) => realSchemaContract('PostgreSQL', makeStore));
