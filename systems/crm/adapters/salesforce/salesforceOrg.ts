/**
 * One Salesforce org as the adapter reaches it (docs/connectors.md#salesforce): the connector
 * kernel's HTTP client with the JWT bearer token, the org's request budget and Salesforce's dialect,
 * SOQL over it, and the object maps of its configuration. Made once per process from
 * `config.crm.salesforce`; the seams (fetch, clock, sleep, jitter) are for tests.
 */
import type { SalesforceConfig } from '../../../../core/config/salesforce.ts';
import { createAccessTokenCache, type AccessTokenCache } from '../../../kernel/connectors/accessToken.ts';
import { createRequestBudget, type RequestBudget } from '../../../kernel/connectors/requestBudget.ts';
import type { RetryPolicy } from '../../../kernel/connectors/retryPolicy.ts';
import { createVendorHttp, type VendorHttp } from '../../../kernel/connectors/vendorHttp.ts';
import { jwtBearerToken } from './jwtBearer.ts';
import { crmObjectMaps, type CrmObjectMaps } from './objectMaps.ts';
import { salesforceDialect } from './salesforceDialect.ts';
import { createSoql, type Soql } from './soql.ts';
import { stageMapping, type StageMapping } from './stageMapping.ts';

export interface SalesforceOrg {
  readonly http: VendorHttp;
  readonly soql: Soql;
  readonly tokens: AccessTokenCache;
  readonly budget: RequestBudget;
  readonly maps: CrmObjectMaps;
  readonly stages: StageMapping;
  readonly idField: string;
  /** `/services/data/v62.0`. */
  readonly dataPath: string;
  readonly pricebookEntryId: string | undefined;
}

export interface SalesforceSeams {
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly retry?: RetryPolicy;
}

export function connectSalesforce(config: SalesforceConfig, seams: SalesforceSeams = {}): SalesforceOrg {
  const tokens = createAccessTokenCache(
    jwtBearerToken({
      loginUrl: config.loginUrl,
      consumerKey: config.consumerKey,
      username: config.username,
      privateKey: config.privateKey,
      ...(config.instanceUrl ? { instanceUrl: config.instanceUrl } : {}),
      timeoutMs: config.timeoutMs,
      ...(seams.fetch ? { fetch: seams.fetch } : {}),
      ...(seams.now ? { now: seams.now } : {}),
    }),
  );
  const budget = createRequestBudget({ perDay: config.apiBudgetPerDay, ...(seams.now ? { now: seams.now } : {}) });
  const http = createVendorHttp({ dialect: salesforceDialect, tokens, budget, timeoutMs: config.timeoutMs, ...seams });
  const stages = stageMapping(config.stages);
  const dataPath = `/services/data/${config.apiVersion}`;
  return {
    http,
    soql: createSoql(http, config.apiVersion),
    tokens,
    budget,
    maps: crmObjectMaps(config.externalIdField, config.taxIdField, stages),
    stages,
    idField: config.externalIdField,
    dataPath,
    pricebookEntryId: config.pricebookEntryId,
  };
}
