import { onPostgres } from '../../harness/onPostgres.ts';
import { concurrencyContract } from './concurrency.contract.ts';
import { contractsContract } from './contracts.contract.ts';
import { historyContract } from './history.contract.ts';
import { publishContract } from './publish.contract.ts';
import { usageContract } from './usage.contract.ts';

onPostgres('registry service', (makeStore) => {
  publishContract('PostgreSQL', makeStore);
  historyContract('PostgreSQL', makeStore);
  contractsContract('PostgreSQL', makeStore);
  usageContract('PostgreSQL', makeStore);
  concurrencyContract('PostgreSQL', makeStore);
});
