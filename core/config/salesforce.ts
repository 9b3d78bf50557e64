/**
 * The Salesforce org the CRM runs on when `TESSERA_CRM_SYSTEM` is `salesforce` or `both`
 * (docs/connectors.md#salesforce; what to create in the org is there too):
 * - `TESSERA_SALESFORCE_LOGIN_URL` (`https://login.salesforce.com`; a sandbox uses `https://test.salesforce.com`,
 *   a My Domain its own URL): where the JWT bearer token is asked for, and the assertion's audience.
 * - `TESSERA_SALESFORCE_INSTANCE_URL` (unset: the `instance_url` of the token answer): the org's API host.
 * - `TESSERA_SALESFORCE_API_VERSION` (`v62.0`): the REST API version, `vNN.N`.
 * - `TESSERA_SALESFORCE_CONSUMER_KEY` (required): the connected app's consumer key (the assertion's `iss`).
 * - `TESSERA_SALESFORCE_USERNAME` (required): the integration user (the assertion's `sub`).
 * - `TESSERA_SALESFORCE_PRIVATE_KEY_FILE`, or `TESSERA_SALESFORCE_PRIVATE_KEY` (one of them, required): the PEM
 *   private key whose certificate the connected app holds. Read here, kept as a `Secret`, never logged.
 * - `TESSERA_SALESFORCE_API_BUDGET` (15000): requests per 24 hours Tessera may spend of the org's API limit.
 * - `TESSERA_SALESFORCE_POLL_MS` (60000): how often changes are polled (the freshness target is twice this).
 * - `TESSERA_SALESFORCE_TIMEOUT_MS` (10000): the bound on one request to the org.
 * - `TESSERA_SALESFORCE_EXTERNAL_ID_FIELD` (`Tessera_Id__c`): the External ID field holding Tessera's id on each object.
 * - `TESSERA_SALESFORCE_TAX_ID_FIELD` (`Tax_Id__c`): the Account custom field holding the customer's tax id (Salesforce
 *   has no standard one); the crosswalk matches accounts by it (docs/crosswalk.md#match-rules).
 * - `TESSERA_SALESFORCE_STAGES` (the default sales process): `StageName=CANONICAL,...`, every canonical stage at least once.
 * - `TESSERA_SALESFORCE_PRICEBOOK_ENTRY_ID` (unset): the price book entry opportunity line items are written with.
 * Production refuses `http://` URLs (the token and every record cross them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { wholeNumber } from './parse.ts';
import { Secret } from './secret.ts';
import { destinationUrl } from './subgraphUrls.ts';
import { timerMs } from './timerMs.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface SalesforceConfig {
  readonly loginUrl: string;
  readonly instanceUrl: string | undefined;
  readonly apiVersion: string;
  readonly consumerKey: string;
  readonly username: string;
  readonly privateKey: Secret;
  readonly apiBudgetPerDay: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly externalIdField: string;
  readonly taxIdField: string;
  /**
   * `StageName` → canonical stage (docs/state-machines.md#opportunity), as configured; undefined: the default
   * sales process (systems/crm/stages.ts). The adapter checks the canonical names when it is created, at start.
   */
  readonly stages: Readonly<Record<string, string>> | undefined;
  readonly pricebookEntryId: string | undefined;
}

/** Every variable of this file: the ones `salesforce` needs, and the ones it only reads. */
export const SALESFORCE_VARIABLES = [
  'TESSERA_SALESFORCE_LOGIN_URL',
  'TESSERA_SALESFORCE_INSTANCE_URL',
  'TESSERA_SALESFORCE_API_VERSION',
  'TESSERA_SALESFORCE_CONSUMER_KEY',
  'TESSERA_SALESFORCE_USERNAME',
  'TESSERA_SALESFORCE_PRIVATE_KEY_FILE',
  'TESSERA_SALESFORCE_PRIVATE_KEY',
  'TESSERA_SALESFORCE_API_BUDGET',
  'TESSERA_SALESFORCE_POLL_MS',
  'TESSERA_SALESFORCE_TIMEOUT_MS',
  'TESSERA_SALESFORCE_EXTERNAL_ID_FIELD',
  'TESSERA_SALESFORCE_TAX_ID_FIELD',
  'TESSERA_SALESFORCE_STAGES',
  'TESSERA_SALESFORCE_PRICEBOOK_ENTRY_ID',
] as const;

const API_VERSION = /^v\d{2,3}\.0$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*__c$/;

export function readSalesforceConfig(env: Env, production: boolean, cwd: string): SalesforceConfig {
  const destinations = { production, allowHttp: false };
  const loginUrl = destinationUrl(
    'TESSERA_SALESFORCE_LOGIN_URL',
    env.TESSERA_SALESFORCE_LOGIN_URL?.trim() || 'https://login.salesforce.com',
    destinations,
  ).replace(/\/+$/, '');
  const instance = env.TESSERA_SALESFORCE_INSTANCE_URL?.trim();
  const apiVersion = env.TESSERA_SALESFORCE_API_VERSION?.trim() || 'v62.0';
  if (!API_VERSION.test(apiVersion))
    throw new TypeError(`TESSERA_SALESFORCE_API_VERSION must look like v62.0; got ${JSON.stringify(apiVersion)}`);
  return Object.freeze({
    loginUrl,
    instanceUrl: instance ? destinationUrl('TESSERA_SALESFORCE_INSTANCE_URL', instance, destinations).replace(/\/+$/, '') : undefined,
    apiVersion,
    consumerKey: required(env, 'TESSERA_SALESFORCE_CONSUMER_KEY'),
    username: required(env, 'TESSERA_SALESFORCE_USERNAME'),
    privateKey: privateKey(env, cwd),
    apiBudgetPerDay: wholeNumber(env, 'TESSERA_SALESFORCE_API_BUDGET', 15_000, 1),
    pollMs: timerMs('TESSERA_SALESFORCE_POLL_MS', wholeNumber(env, 'TESSERA_SALESFORCE_POLL_MS', 60_000, 1)),
    timeoutMs: timerMs('TESSERA_SALESFORCE_TIMEOUT_MS', wholeNumber(env, 'TESSERA_SALESFORCE_TIMEOUT_MS', 10_000, 1)),
    externalIdField: customField(env, 'TESSERA_SALESFORCE_EXTERNAL_ID_FIELD', 'Tessera_Id__c'),
    taxIdField: customField(env, 'TESSERA_SALESFORCE_TAX_ID_FIELD', 'Tax_Id__c'),
    stages: stages(env.TESSERA_SALESFORCE_STAGES?.trim()),
    pricebookEntryId: env.TESSERA_SALESFORCE_PRICEBOOK_ENTRY_ID?.trim() || undefined,
  });
}

/** A custom field's API name (`Name__c`): it goes into SOQL as it is, so nothing else passes. */
function customField(env: Env, key: string, fallback: string): string {
  const value = env[key]?.trim() || fallback;
  if (!FIELD_NAME.test(value)) throw new TypeError(`${key} must be a custom field name like ${fallback}; got ${JSON.stringify(value)}`);
  return value;
}

function required(env: Env, key: string): string {
  const value = env[key]?.trim();
  if (!value) throw new TypeError(`${key} is required when TESSERA_CRM_SYSTEM uses salesforce`);
  return value;
}

function privateKey(env: Env, cwd: string): Secret {
  const file = env.TESSERA_SALESFORCE_PRIVATE_KEY_FILE?.trim();
  const inline = env.TESSERA_SALESFORCE_PRIVATE_KEY?.trim();
  if (file && inline)
    throw new TypeError('TESSERA_SALESFORCE_PRIVATE_KEY_FILE and TESSERA_SALESFORCE_PRIVATE_KEY are both set; set only one');
  let pem: string;
  if (file) {
    const resolved = path.resolve(cwd, file);
    try {
      pem = fs.readFileSync(resolved, 'utf8');
    } catch {
      throw new TypeError(`TESSERA_SALESFORCE_PRIVATE_KEY_FILE names ${resolved}, which cannot be read`);
    }
  } else if (inline) {
    pem = inline.replace(/\\n/g, '\n');
  } else {
    throw new TypeError(
      'TESSERA_SALESFORCE_PRIVATE_KEY_FILE (or TESSERA_SALESFORCE_PRIVATE_KEY) is required when TESSERA_CRM_SYSTEM uses salesforce',
    );
  }
  // The message never quotes the value: it is a private key.
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new TypeError(`${file ? 'TESSERA_SALESFORCE_PRIVATE_KEY_FILE' : 'TESSERA_SALESFORCE_PRIVATE_KEY'} must hold a PEM private key`);
  }
  return new Secret(pem);
}

/** `StageName=CANONICAL,...` (a stage name may hold spaces and `/`); the canonical side is upper case. */
function stages(raw: string | undefined): Readonly<Record<string, string>> | undefined {
  if (!raw) return undefined;
  const map: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const at = pair.lastIndexOf('=');
    const name = pair.slice(0, at).trim();
    const canonical = pair.slice(at + 1).trim();
    if (at < 1 || !name || !/^[A-Z][A-Z_]*$/.test(canonical) || name in map) {
      throw new TypeError(
        `TESSERA_SALESFORCE_STAGES must be distinct StageName=STAGE pairs, comma-separated; got ${JSON.stringify(pair.trim())}`,
      );
    }
    map[name] = canonical;
  }
  return Object.freeze(map);
}
