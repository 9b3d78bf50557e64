import { onPostgres } from '../harness/onPostgres.ts';
import { metricsSuite } from './metricsSuite.ts';

onPostgres('business metrics', (makeStore) => metricsSuite('PostgreSQL', makeStore));
