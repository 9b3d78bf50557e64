import { onPostgres } from '../harness/onPostgres.ts';
import { runCapabilityContract } from './runCapability.contract.ts';

onPostgres('runCapability', (makeStore) => runCapabilityContract('PostgreSQL', makeStore));
