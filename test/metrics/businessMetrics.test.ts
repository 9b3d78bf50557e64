import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { metricsSuite } from './metricsSuite.ts';

metricsSuite('SQLite', async () => tempSqliteStore());
