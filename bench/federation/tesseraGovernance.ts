/**
 * How the federation benchmark configures Tessera's gateway, through its environment only, as an
 * operator would (docs/production.md):
 * - governance on: `TESSERA_ENV=production` with an RS256 identity provider (a key pair made here;
 *   every request carries a token the gateway verifies), a strong internal secret and metrics token,
 *   the operation limits at their defaults, demand control enforcing, the authorization plugin, a
 *   per-client rate limit and concurrency cap that are checked on every request but never refuse
 *   the benchmark's load, and the access log line of every request (`info`, to a file);
 * - governance off: the engine alone: development, no token, every `TESSERA_LIMIT_*` at 10^9,
 *   demand control measuring only (there is no mode without the estimate), no rate limit or
 *   concurrency cap, no authorization plugin, warnings only in the log.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { KNOWN_VARIABLES } from '../../core/config/knownVariables.ts';

export type Governance = 'on' | 'off';

export interface TesseraVariant {
  readonly env: Record<string, string>;
  /** What each benchmark request carries. */
  readonly headers: Record<string, string>;
}

const ISSUER = 'https://id.bench.invalid/';
const AUDIENCE = 'tessera-bench';

/** Every `TESSERA_LIMIT_*` variable at 10^9: no operation limit can refuse anything. */
export function limitsOutOfTheWay(): Record<string, string> {
  return Object.fromEntries([...KNOWN_VARIABLES].filter((name) => name.startsWith('TESSERA_LIMIT_')).map((name) => [name, '1000000000']));
}

/** The variant's environment and headers; `dataDir` (a fresh folder) holds its key files. */
export function tesseraVariant(governance: Governance, dataDir: string, connections: number): TesseraVariant {
  const base = { TESSERA_DATA_DIR: dataDir, TESSERA_COST_REPORT: 'off' };
  if (governance === 'off') {
    return {
      env: {
        ...base,
        ...limitsOutOfTheWay(),
        TESSERA_COST_MODE: 'measure',
        TESSERA_RATE_LIMIT: 'off',
        TESSERA_CONCURRENCY_LIMIT: 'off',
        TESSERA_LOG_LEVEL: 'warn',
      },
      headers: {},
    };
  }
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyFile = path.join(dataDir, 'bench-idp.pub.pem');
  fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const token = jwt.sign({ sub: 'bench', client_id: 'bench', scope: 'bench:read' }, privateKey, {
    algorithm: 'RS256',
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: '12h',
  });
  return {
    env: {
      ...base,
      TESSERA_ENV: 'production',
      TESSERA_AUTH_PUBLIC_KEY_FILE: publicKeyFile,
      TESSERA_AUTH_ALGORITHM: 'RS256',
      TESSERA_AUTH_ISSUER: ISSUER,
      TESSERA_AUTH_AUDIENCE: AUDIENCE,
      TESSERA_INTERNAL_SECRET: crypto.randomBytes(32).toString('base64'),
      TESSERA_METRICS_TOKEN: crypto.randomBytes(24).toString('hex'),
      // The subgraphs listen on the loopback, as behind a sidecar (docs/production.md#https-destinations).
      TESSERA_ALLOW_HTTP_SUBGRAPHS: 'on',
      TESSERA_COST_MODE: 'enforce',
      // Checked on every request, never reached by the benchmark's closed loop.
      TESSERA_RATE_LIMIT: '1000000000/60s',
      TESSERA_CONCURRENCY_LIMIT: String(connections * 2),
      TESSERA_LOG_LEVEL: 'info',
    },
    headers: { authorization: `Bearer ${token}` },
  };
}
