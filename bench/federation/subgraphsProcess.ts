/**
 * The federation benchmark's four subgraphs in one process of their own (`subgraphServer.ts`):
 * sends `{ urls }` to the harness once they listen, answers any message with the request counts
 * `{ requests }`, and stops on SIGTERM.
 */
import { startBenchmarkSubgraphs } from './subgraphServer.ts';

const subgraphs = await startBenchmarkSubgraphs();
process.on('message', () => process.send!({ requests: subgraphs.requests() }));
process.once('SIGTERM', () => {
  void subgraphs.close().finally(() => process.exit(0));
});
process.send!({ urls: subgraphs.urls });
