import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startRegistryService } from '../../runtime/registry.ts';
import { logSink } from '../harness/logSink.ts';
import { rootFixture } from './roots.ts';

describe('tessera serve registry', () => {
  it('publishes schema/ into an empty store, serves the supergraph, and publishes nothing at its next start', async () => {
    const root = rootFixture();
    try {
      const logs = logSink();
      const first = await startRegistryService({ config: root.config, logger: createLogger('info', logs.stream) });
      const port = await first.listen(0);
      expect((await first.registry.subgraphs()).map(({ name, version, author }) => [name, version, author])).toEqual([
        ['crm', 1, 'system:tessera-start'],
        ['psa', 1, 'system:tessera-start'],
        ['erp', 1, 'system:tessera-start'],
        ['integration', 1, 'system:tessera-start'],
      ]);
      const internal = await first.registry.supergraph();
      if (internal === null || internal === 'not-modified') throw new Error('nothing composed');
      const response = await fetch(`http://127.0.0.1:${port}/registry/api/supergraph`, { headers: { 'if-none-match': internal.etag } });
      // A token or the internal principal is needed even to be told nothing changed.
      expect(response.status).toBe(401);
      expect(logs.records.some((record) => record.msg === `the schema registry is serving http://localhost:${port}/registry/`)).toBe(true);
      await first.stop();
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

      const second = await startRegistryService({ config: root.config, logger: createLogger('silent') });
      expect((await second.registry.history()).length).toBe(4);
      const again = await second.registry.supergraph(null, internal.etag);
      expect(again).toBe('not-modified');
      await second.stop();
    } finally {
      await root.remove();
    }
  }, 60_000);
});
