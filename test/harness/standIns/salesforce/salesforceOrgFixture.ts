/**
 * A Salesforce org for tests: the stand-in started on port 0 with a fresh RSA key pair (its public
 * half as the connected app's certificate), the adapter's configuration read through the config
 * module from the variables an operator would set, and the canonical records loaded as the adapter
 * would write them (the object maps, one upsert body per record).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readSalesforceConfig, type SalesforceConfig } from '../../../../core/config/salesforce.ts';
import { connectSalesforce, type SalesforceOrg, type SalesforceSeams } from '../../../../systems/crm/adapters/salesforce/salesforceOrg.ts';
import type { CrmData } from '../../../systems/crm/ports/crmData.ts';
import { SalesforceStandIn, type StandInOptions } from './salesforceStandIn.ts';

export interface TestOrg {
  readonly standIn: SalesforceStandIn;
  /** The variables the configuration was read from, as an operator would set them. */
  readonly env: Readonly<Record<string, string>>;
  readonly config: SalesforceConfig;
  readonly org: SalesforceOrg;
  /** The delays the connector waited between attempts (it waits for none in tests). */
  readonly delays: number[];
}

const KEYS = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

export async function startTestOrg(
  options: Partial<StandInOptions> & { readonly env?: Readonly<Record<string, string>>; readonly seams?: SalesforceSeams } = {},
): Promise<TestOrg> {
  const standIn = await SalesforceStandIn.start({
    publicKey: KEYS.publicKey,
    consumerKey: '3MVG9-test-consumer',
    username: 'integration@tessera.example',
    ...options,
  });
  const env = {
    TESSERA_SALESFORCE_LOGIN_URL: standIn.url,
    TESSERA_SALESFORCE_CONSUMER_KEY: '3MVG9-test-consumer',
    TESSERA_SALESFORCE_USERNAME: 'integration@tessera.example',
    TESSERA_SALESFORCE_PRIVATE_KEY: KEYS.privateKey,
    TESSERA_SALESFORCE_TIMEOUT_MS: '2000',
    ...options.env,
  };
  const config = readSalesforceConfig(env, false, process.cwd());
  const delays: number[] = [];
  const org = connectSalesforce(config, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...options.seams,
  });
  return { standIn, env, config, org, delays };
}

/** Loads `data` into the stand-in as Salesforce records, parents first, as records no capability call wrote. */
export function loadIntoSalesforce(test: TestOrg, data: CrmData): void {
  const { records } = test.standIn;
  const { maps, idField } = test.org;
  const put = <T extends { id: string }>(map: { object: string; write(record: T): Record<string, unknown> }, rows: readonly T[]) => {
    for (const row of rows)
      records.write(map.object, { ...map.write(row), [idField]: row.id }, records.findBy(map.object, idField, row.id));
  };
  // Accounts twice: their parents must exist before the relationship can name them.
  put(
    maps.account,
    data.accounts.map((account) => ({ ...account, parentId: null })),
  );
  put(maps.account, data.accounts);
  put(maps.contact, data.contacts);
  put(maps.opportunity, data.opportunities);
  put(maps.line, data.lines);
  put(maps.contract, data.contracts);
  put(maps.amendment, data.amendments);
}
