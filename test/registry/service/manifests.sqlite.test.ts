import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { manifestsContract } from './manifests.contract.ts';

manifestsContract('SQLite', async () => tempSqliteStore());
