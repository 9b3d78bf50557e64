import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { AuthError } from './authError.ts';
import { readOrCreateKeyFile } from './keys/devKeyFile.ts';
import type { KeySource } from '../core/config/keySource.ts';
import { claimsFromPrincipal, principalFromClaims, type PrincipalClaims } from './principal.ts';

export const DEV_TOKEN_USAGE =
  'usage: npm run token -- --sub <id> [--scope "crm:read psa:read"] [--legal-entities US01,UK01|*] ' +
  '[--partner-accounts acc_1,acc_2] [--roles auditor,...] [--client-id <id>] [--ttl <seconds>]';

/** The flags of `npm run token` (node:util `parseArgs`), shared with `tessera token --help`. */
export const DEV_TOKEN_OPTIONS = {
  sub: { type: 'string' },
  scope: { type: 'string' },
  'legal-entities': { type: 'string' },
  'partner-accounts': { type: 'string' },
  roles: { type: 'string' },
  'client-id': { type: 'string' },
  ttl: { type: 'string' },
} as const;

/** A mistake in the command line; the caller prints it with `DEV_TOKEN_USAGE`. */
export class DevTokenUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevTokenUsageError';
  }
}

/** What a development token asserts. */
export interface DevTokenRequest {
  readonly claims: PrincipalClaims;
  readonly ttlSeconds: number;
}

const DEFAULT_TTL_SECONDS = 3600;
// A dev token is for trying things out; a day-long token left in a shell history is long enough.
const MAX_TTL_SECONDS = 24 * 3600;

/** Reads the `npm run token` arguments (see `DEV_TOKEN_USAGE`). Lists are comma-separated. */
export function parseDevTokenArgs(argv: readonly string[]): DevTokenRequest {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: DEV_TOKEN_OPTIONS,
    }));
  } catch (error) {
    throw new DevTokenUsageError(error instanceof Error ? error.message : String(error));
  }
  const sub = values.sub?.trim();
  if (!sub) throw new DevTokenUsageError('--sub is required');
  const claims: PrincipalClaims = { sub };
  const scope = values.scope?.trim();
  if (scope) claims.scope = scope;
  const legalEntities = values['legal-entities']?.trim();
  if (legalEntities) claims.legal_entities = legalEntities === '*' ? '*' : list(legalEntities);
  if (values['partner-accounts'] !== undefined) claims.partner_accounts = list(values['partner-accounts']);
  if (values.roles !== undefined) claims.roles = list(values.roles);
  const clientId = values['client-id']?.trim();
  if (clientId) claims.client_id = clientId;
  try {
    principalFromClaims(claims);
  } catch (error) {
    // The claims are ours, not a caller's token: report the claim rule as a usage mistake.
    throw error instanceof AuthError ? new DevTokenUsageError(error.message) : error;
  }
  return { claims, ttlSeconds: ttl(values.ttl) };
}

/** The parts of `TesseraConfig.auth` a dev token needs. */
export interface DevTokenAuth {
  readonly source: KeySource;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Signs a development token with the dev key (creating the key file on first use), for the issuer and
 * audience the gateway expects. Refuses when the gateway is configured for a real identity provider:
 * a token signed with the dev key would be rejected there, and printing one would only mislead.
 */
export async function issueDevToken(request: DevTokenRequest, auth: DevTokenAuth, now: () => number = Date.now): Promise<string> {
  if (auth.source.kind !== 'dev') {
    const variable = auth.source.kind === 'jwks' ? 'TESSERA_AUTH_JWKS_URL' : 'TESSERA_AUTH_PUBLIC_KEY_FILE';
    throw new Error(
      `${variable} is set, so the gateway accepts only tokens from that issuer and would refuse a token signed with the ` +
        `development key. Get a token from your identity provider, or unset ${variable} (development only) to use the dev key.`,
    );
  }
  // Round-trip through the parser so the printed token is one the gateway will accept.
  const claims = claimsFromPrincipal(principalFromClaims(request.claims));
  const secret = await readOrCreateKeyFile(auth.source.keyFile);
  return jwt.sign({ ...claims, iat: Math.floor(now() / 1000) }, secret, {
    algorithm: 'HS256',
    issuer: auth.issuer,
    audience: auth.audience,
    expiresIn: request.ttlSeconds,
  });
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function ttl(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_TTL_SECONDS) {
    throw new DevTokenUsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  return seconds;
}
