import { onPostgres } from '../../harness/onPostgres.ts';
import { manifestsContract } from './manifests.contract.ts';

onPostgres('registry manifests', (makeStore) => manifestsContract('PostgreSQL', makeStore));
