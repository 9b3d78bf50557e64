/**
 * A test Tessera whose key material the test knows: the dev signing key (to forge tokens the
 * gateway must refuse) and the internal principal secret (to call a subgraph the way the gateway
 * does). Both live in a key folder of this instance only, removed by `stop`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { readApolloBody } from '../../core/http/apolloBody.ts';
import { readOrCreateKeyFile } from '../../auth/keys/devKeyFile.ts';
import { loadInternalSecret } from '../../auth/loadInternalSecret.ts';
import type { SubgraphServer } from '../../systems/kernel/subgraphServer.ts';
import { startTestTessera, type TestTessera, type TestTesseraOptions } from './startTestTessera.ts';

export interface AuthTestTessera extends TestTessera {
  /** The folder holding `dev-signing-key` and `dev-internal-key`. */
  readonly keyDir: string;
  /** The auth and internal-secret configuration this instance runs with. */
  readonly config: Pick<TesseraConfig, 'auth' | 'internalSecret'>;
  /** Path of the HS256 development signing key file. */
  readonly signingKeyFile: string;
  /** The HS256 development signing secret (what `token()` signs with). */
  readonly signingSecret: string;
  /** The secret the gateway signs `x-tessera-principal` with. */
  readonly internalSecret: string;
}

export async function startAuthTessera(options: TestTesseraOptions = {}): Promise<AuthTestTessera> {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-auth-keys-'));
  const remove = () => fs.rmSync(keyDir, { recursive: true, force: true });
  const { auth, internalSecret } = loadConfig({ TESSERA_DATA_DIR: keyDir });
  if (auth.source.kind !== 'dev') {
    remove();
    throw new Error('the test configuration must use the development signing key');
  }
  const signingKeyFile = auth.source.keyFile;
  let tessera: TestTessera;
  try {
    tessera = await startTestTessera({ ...options, config: { auth, internalSecret, ...options.config } });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    ...tessera,
    keyDir,
    config: { auth, internalSecret },
    signingKeyFile,
    signingSecret: await readOrCreateKeyFile(signingKeyFile),
    internalSecret: await loadInternalSecret(internalSecret),
    async stop() {
      await tessera.stop();
      remove();
    },
  };
}

/** The status and parsed body of a subgraph answer. */
export interface SubgraphAnswer {
  readonly status: number;
  readonly body: { data?: unknown; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

/** POSTs a GraphQL request straight to an in-process subgraph server, with exactly `headers`. */
export async function callSubgraph(
  server: SubgraphServer,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<SubgraphAnswer> {
  const response: HTTPGraphQLResponse = await server.execute({
    method: 'POST',
    headers: new HeaderMap([['content-type', 'application/json'], ['accept', 'application/json'], ...Object.entries(headers)]),
    search: '',
    body,
  });
  return { status: response.status ?? 200, body: JSON.parse(await readApolloBody(response.body)) as SubgraphAnswer['body'] };
}
