/**
 * The fault tests (faults.contract.ts) with the NATS JetStream transport (a stream prefix of this
 * file's own, its stream deleted after) and the stores on SQLite. A restart is a new connection to
 * the same durable consumers.
 */
import { deleteNatsStream, natsTestPrefix, onNats } from '../../harness/onNats.ts';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { faultsContract } from './faults.contract.ts';

onNats('opportunity-to-project faults', (url) => {
  const prefix = natsTestPrefix();
  faultsContract('NATS JetStream', () => ({
    makeStore: async () => tempSqliteStore(),
    config: { nats: { servers: [url], streamPrefix: prefix, credsFile: undefined } },
    cleanup: () => deleteNatsStream(url, prefix),
  }));
});
