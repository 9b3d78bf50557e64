/**
 * What the in-process benchmarks (`bench/run.ts`, `bench/metrics.ts`) start from: embedded Tessera
 * on a free port over a fresh temp folder seeded at `scale`, and the headers of a dev token with
 * the claims the benchmark reads with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueDevToken } from '../auth/devToken.ts';
import type { PrincipalClaims } from '../auth/principal.ts';
import { loadConfig, type TesseraConfig } from '../core/config/config.ts';
import { createLogger } from '../core/logger.ts';
import { startEmbedded, type Embedded } from '../runtime/embedded.ts';

export interface SeededGateway {
  readonly tessera: Embedded;
  readonly config: TesseraConfig;
  /** Its /graphql. */
  readonly url: string;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** Seeds a temp folder (`tessera-bench-<name>-`) at `scale` and serves it; prints how long that took. */
export async function startSeededGateway(name: string, scale: TesseraConfig['seedScale']): Promise<SeededGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-${name}-`));
  const config: TesseraConfig = {
    ...loadConfig({ TESSERA_DATA_DIR: dataDir }),
    host: '127.0.0.1',
    seedScale: scale,
    store: { kind: 'sqlite', dataDir },
  };
  const started = performance.now();
  const tessera = await startEmbedded({ config, logger: createLogger('warn') });
  // The start-up import of the cash read model runs in the background: nothing is measured beside it.
  await tessera.engine?.cashImported;
  const seedMs = tessera.seed.kind === 'seeded' ? tessera.seed.summary.elapsedMs : 0;
  const url = `http://127.0.0.1:${await tessera.listen(0)}/graphql`;
  console.log(`scale ${scale}: seeded in ${Math.round(seedMs)} ms, ready in ${Math.round(performance.now() - started)} ms`);
  return {
    tessera,
    config,
    url,
    async stop() {
      await tessera.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The request headers of a GraphQL client holding an hour's dev token with `claims`. */
export async function benchHeaders(config: TesseraConfig, claims: PrincipalClaims): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
    authorization: `Bearer ${await issueDevToken({ claims, ttlSeconds: 3600 }, config.auth)}`,
  };
}
