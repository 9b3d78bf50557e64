/**
 * The HubSpot portal the CRM runs on when `TESSERA_CRM_SYSTEM` is `hubspot` or `both`
 * (docs/connectors.md#hubspot; what to create in the portal is there too):
 * - `TESSERA_HUBSPOT_BASE_URL` (`https://api.hubapi.com`): the API host.
 * - `TESSERA_HUBSPOT_TOKEN_FILE`, or `TESSERA_HUBSPOT_TOKEN` (one of them, required): the private app's access
 *   token. A file is read again after HubSpot refuses the token (401), so rotating it needs no restart. Kept as a
 *   `Secret`, never logged.
 * - `TESSERA_HUBSPOT_WEBHOOK_SECRET_FILE`, or `TESSERA_HUBSPOT_WEBHOOK_SECRET` (optional): the app's client secret
 *   the webhooks' v3 signatures are checked with; unset, the webhook endpoint refuses every delivery.
 * - `TESSERA_HUBSPOT_WEBHOOK_URL` (unset): the public URL HubSpot delivers webhooks to (it signs that URL).
 * - `TESSERA_HUBSPOT_PIPELINES` (HubSpot's default pipeline): `<pipeline>:<STAGE>=<stageId>,...;...`.
 * - `TESSERA_HUBSPOT_CONTRACT_OBJECT` (`p_tessera_contracts`), `TESSERA_HUBSPOT_AMENDMENT_OBJECT`
 *   (`p_tessera_contract_amendments`): the custom objects' type (fully qualified name or `2-…` id).
 * - `TESSERA_HUBSPOT_TAX_ID_PROPERTY` (`tax_id`): the company property holding the customer's tax id (HubSpot has no
 *   default one); the crosswalk matches accounts by it (docs/crosswalk.md#match-rules).
 * - `TESSERA_HUBSPOT_API_BUDGET` (250000): requests per 24 hours Tessera may spend of the portal's daily limit.
 * - `TESSERA_HUBSPOT_POLL_MS` (60000): how often changed deals are polled (webhooks wake it sooner).
 * - `TESSERA_HUBSPOT_TIMEOUT_MS` (10000): the bound on one request to HubSpot.
 * Production refuses `http://` URLs (the token and every record cross them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { wholeNumber } from './parse.ts';
import { Secret } from './secret.ts';
import { destinationUrl } from './subgraphUrls.ts';
import { timerMs } from './timerMs.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Canonical stage → deal stage id, per pipeline id; the adapter checks the canonical names and the ids against the portal at start. */
export type PipelineStages = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface HubSpotConfig {
  readonly baseUrl: string;
  /** The token as read at start; `tokenFile` is read again after a 401. */
  readonly token: Secret;
  readonly tokenFile: string | undefined;
  readonly webhookSecret: Secret | undefined;
  readonly webhookUrl: string | undefined;
  /** Undefined: HubSpot's default pipeline (systems/crm/adapters/hubspot/stageMap.ts). */
  readonly pipelines: PipelineStages | undefined;
  readonly contractObject: string;
  readonly amendmentObject: string;
  readonly taxIdProperty: string;
  readonly apiBudgetPerDay: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
}

export const HUBSPOT_VARIABLES = [
  'TESSERA_HUBSPOT_BASE_URL',
  'TESSERA_HUBSPOT_TOKEN_FILE',
  'TESSERA_HUBSPOT_TOKEN',
  'TESSERA_HUBSPOT_WEBHOOK_SECRET_FILE',
  'TESSERA_HUBSPOT_WEBHOOK_SECRET',
  'TESSERA_HUBSPOT_WEBHOOK_URL',
  'TESSERA_HUBSPOT_PIPELINES',
  'TESSERA_HUBSPOT_CONTRACT_OBJECT',
  'TESSERA_HUBSPOT_AMENDMENT_OBJECT',
  'TESSERA_HUBSPOT_TAX_ID_PROPERTY',
  'TESSERA_HUBSPOT_API_BUDGET',
  'TESSERA_HUBSPOT_POLL_MS',
  'TESSERA_HUBSPOT_TIMEOUT_MS',
] as const;

const OBJECT_TYPE = /^(p_[a-z][a-z0-9_]*|p\d+_[a-z][a-z0-9_]*|2-\d+)$/;
/** A property's internal name, as HubSpot makes them: lower case, digits and underscores. */
const PROPERTY_NAME = /^[a-z][a-z0-9_]*$/;

/** The company property of the tax id when `TESSERA_HUBSPOT_TAX_ID_PROPERTY` is unset. */
export const DEFAULT_TAX_ID_PROPERTY = 'tax_id';

export function readHubSpotConfig(env: Env, production: boolean, cwd: string): HubSpotConfig {
  const destinations = { production, allowHttp: false };
  const url = (key: string, raw: string) => destinationUrl(key, raw, destinations).replace(/\/+$/, '');
  const tokenFile = env.TESSERA_HUBSPOT_TOKEN_FILE?.trim() ? path.resolve(cwd, env.TESSERA_HUBSPOT_TOKEN_FILE.trim()) : undefined;
  const token = secretOf(env, 'TESSERA_HUBSPOT_TOKEN', cwd);
  if (!token) throw new TypeError('TESSERA_HUBSPOT_TOKEN_FILE (or TESSERA_HUBSPOT_TOKEN) is required when TESSERA_CRM_SYSTEM uses hubspot');
  const webhookUrl = env.TESSERA_HUBSPOT_WEBHOOK_URL?.trim();
  const pipelines = env.TESSERA_HUBSPOT_PIPELINES?.trim();
  return Object.freeze({
    baseUrl: url('TESSERA_HUBSPOT_BASE_URL', env.TESSERA_HUBSPOT_BASE_URL?.trim() || 'https://api.hubapi.com'),
    token,
    tokenFile,
    webhookSecret: secretOf(env, 'TESSERA_HUBSPOT_WEBHOOK_SECRET', cwd),
    webhookUrl: webhookUrl ? url('TESSERA_HUBSPOT_WEBHOOK_URL', webhookUrl) : undefined,
    pipelines: pipelines ? parsePipelineStages(pipelines) : undefined,
    contractObject: objectType(env, 'TESSERA_HUBSPOT_CONTRACT_OBJECT', 'p_tessera_contracts'),
    amendmentObject: objectType(env, 'TESSERA_HUBSPOT_AMENDMENT_OBJECT', 'p_tessera_contract_amendments'),
    taxIdProperty: propertyName(env, 'TESSERA_HUBSPOT_TAX_ID_PROPERTY', DEFAULT_TAX_ID_PROPERTY),
    apiBudgetPerDay: wholeNumber(env, 'TESSERA_HUBSPOT_API_BUDGET', 250_000, 1),
    pollMs: timerMs('TESSERA_HUBSPOT_POLL_MS', wholeNumber(env, 'TESSERA_HUBSPOT_POLL_MS', 60_000, 1)),
    timeoutMs: timerMs('TESSERA_HUBSPOT_TIMEOUT_MS', wholeNumber(env, 'TESSERA_HUBSPOT_TIMEOUT_MS', 10_000, 1)),
  });
}

/** The private app token as it is now in `file` (a rotated token is picked up). */
export function readTokenFile(file: string): Secret {
  const value = fs.readFileSync(file, 'utf8').trim();
  if (!value) throw new TypeError(`TESSERA_HUBSPOT_TOKEN_FILE names ${file}, which is empty`);
  return new Secret(value);
}

/** `<key>_FILE` or `<key>` (not both); the message never quotes the value. */
function secretOf(env: Env, key: string, cwd: string): Secret | undefined {
  const file = env[`${key}_FILE`]?.trim();
  const inline = env[key]?.trim();
  if (file && inline) throw new TypeError(`${key}_FILE and ${key} are both set; set only one`);
  if (inline) return new Secret(inline);
  if (!file) return undefined;
  const resolved = path.resolve(cwd, file);
  try {
    return readTokenFile(resolved);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(error.message.replace('TESSERA_HUBSPOT_TOKEN_FILE', `${key}_FILE`));
    throw new TypeError(`${key}_FILE names ${resolved}, which cannot be read`);
  }
}

function objectType(env: Env, key: string, fallback: string): string {
  const value = env[key]?.trim() || fallback;
  if (!OBJECT_TYPE.test(value))
    throw new TypeError(`${key} must be a custom object's type (p_name, p<portal>_name or 2-<id>); got ${JSON.stringify(value)}`);
  return value;
}

function propertyName(env: Env, key: string, fallback: string): string {
  const value = env[key]?.trim() || fallback;
  if (!PROPERTY_NAME.test(value))
    throw new TypeError(`${key} must be a property's internal name like ${fallback}; got ${JSON.stringify(value)}`);
  return value;
}

/** `<pipeline>:<STAGE>=<stageId>,...;<pipeline>:...` */
export function parsePipelineStages(text: string): PipelineStages {
  const pipelines: Record<string, Record<string, string>> = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':');
    const pipeline = part.slice(0, at).trim();
    if (at < 1 || !pipeline)
      throw new TypeError(`TESSERA_HUBSPOT_PIPELINES: expected <pipeline>:<STAGE>=<stageId>,... in ${JSON.stringify(part)}`);
    const stages: Record<string, string> = {};
    for (const pair of part.slice(at + 1).split(',')) {
      const [stage, id] = pair.split('=', 2).map((s) => s.trim());
      if (!stage || !id || !/^[A-Z][A-Z_]*$/.test(stage) || stage in stages)
        throw new TypeError(`TESSERA_HUBSPOT_PIPELINES: expected distinct STAGE=<stageId> pairs; got ${JSON.stringify(pair.trim())}`);
      stages[stage] = id;
    }
    pipelines[pipeline] = stages;
  }
  return Object.freeze(pipelines);
}
