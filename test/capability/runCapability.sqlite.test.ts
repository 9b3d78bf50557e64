import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { runCapabilityContract } from './runCapability.contract.ts';

runCapabilityContract('SQLite', async () => tempSqliteStore());
