/**
 * `TESSERA_CRM_SYSTEM` and the `TESSERA_SALESFORCE_*` variables (docs/connectors.md#choosing-the-crm):
 * exact defaults, every refusal naming its variable, the private key from a file or the environment
 * and never printed, production refusing plain HTTP, and the stage mapping checked when the adapter is made.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { stageMapping } from '../../systems/crm/adapters/salesforce/stageMapping.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ORG = {
  TESSERA_CRM_SYSTEM: 'salesforce',
  TESSERA_SALESFORCE_CONSUMER_KEY: '3MVG9-consumer',
  TESSERA_SALESFORCE_USERNAME: 'integration@firm.example',
  TESSERA_SALESFORCE_PRIVATE_KEY: privateKey,
};
const load = (env: Record<string, string>) => loadConfig(env, '/srv/tessera');
const refusal = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('the CRM system configuration', () => {
  it('defaults to the SQL reference system, and reads an org with its defaults', () => {
    expect(load({}).crm).toEqual({ system: 'sql', salesforce: undefined });
    const { salesforce } = load(ORG).crm;
    expect({ ...salesforce, privateKey: String(salesforce!.privateKey) }).toEqual({
      loginUrl: 'https://login.salesforce.com',
      instanceUrl: undefined,
      apiVersion: 'v62.0',
      consumerKey: '3MVG9-consumer',
      username: 'integration@firm.example',
      privateKey: '[redacted]',
      apiBudgetPerDay: 15_000,
      pollMs: 60_000,
      timeoutMs: 10_000,
      externalIdField: 'Tessera_Id__c',
      taxIdField: 'Tax_Id__c',
      stages: undefined,
      pricebookEntryId: undefined,
    });
    expect(salesforce!.privateKey.reveal()).toBe(privateKey.trim());
  });

  it('reads the key from a file, and never prints it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sf-'));
    try {
      fs.writeFileSync(path.join(dir, 'tessera.key'), privateKey);
      const { TESSERA_SALESFORCE_PRIVATE_KEY: _, ...rest } = ORG;
      const config = loadConfig({ ...rest, TESSERA_SALESFORCE_PRIVATE_KEY_FILE: 'tessera.key' }, dir);
      expect(config.crm.salesforce!.privateKey.reveal()).toBe(privateKey);
      const printed = JSON.stringify(config) + inspect(config, { depth: 10 });
      expect(printed).not.toContain('PRIVATE KEY');
      expect(printed).toContain('[redacted]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot use, naming the variable', () => {
    const { TESSERA_SALESFORCE_CONSUMER_KEY: _, ...noKey } = ORG;
    expect(refusal(noKey)).toBe('TESSERA_SALESFORCE_CONSUMER_KEY is required when TESSERA_CRM_SYSTEM uses salesforce');
    const { TESSERA_SALESFORCE_PRIVATE_KEY: __, ...noPem } = ORG;
    expect(refusal(noPem)).toBe(
      'TESSERA_SALESFORCE_PRIVATE_KEY_FILE (or TESSERA_SALESFORCE_PRIVATE_KEY) is required when TESSERA_CRM_SYSTEM uses salesforce',
    );
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_PRIVATE_KEY_FILE: 'k.pem' })).toBe(
      'TESSERA_SALESFORCE_PRIVATE_KEY_FILE and TESSERA_SALESFORCE_PRIVATE_KEY are both set; set only one',
    );
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_PRIVATE_KEY: 'hunter2' })).toBe(
      'TESSERA_SALESFORCE_PRIVATE_KEY must hold a PEM private key',
    );
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_API_VERSION: '62' })).toBe('TESSERA_SALESFORCE_API_VERSION must look like v62.0; got "62"');
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_API_BUDGET: '0' })).toBe(
      'TESSERA_SALESFORCE_API_BUDGET must be a positive integer; got "0"',
    );
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_EXTERNAL_ID_FIELD: 'Id' })).toBe(
      'TESSERA_SALESFORCE_EXTERNAL_ID_FIELD must be a custom field name like Tessera_Id__c; got "Id"',
    );
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_TAX_ID_FIELD: 'Tax_Id__c, Name' })).toBe(
      'TESSERA_SALESFORCE_TAX_ID_FIELD must be a custom field name like Tax_Id__c; got "Tax_Id__c, Name"',
    );
    expect(load({ ...ORG, TESSERA_SALESFORCE_TAX_ID_FIELD: ' VAT_Number__c ' }).crm.salesforce!.taxIdField).toBe('VAT_Number__c');
    expect(refusal({ ...ORG, TESSERA_SALESFORCE_STAGES: 'Won' })).toBe(
      'TESSERA_SALESFORCE_STAGES must be distinct StageName=STAGE pairs, comma-separated; got "Won"',
    );
    expect(refusal({ TESSERA_CRM_SYSTEM: 'dynamics' })).toBe(
      'TESSERA_CRM_SYSTEM must be one of sql, salesforce, hubspot, both; got "dynamics"',
    );
    expect(refusal({ TESSERA_SALESFORCE_USERNAME: 'someone' })).toBe(
      'TESSERA_SALESFORCE_USERNAME is set but TESSERA_CRM_SYSTEM is sql: set TESSERA_CRM_SYSTEM=salesforce (or both)',
    );
  });

  it('production refuses plain HTTP to the org; development allows a local stand-in', () => {
    const production = {
      TESSERA_ENV: 'production',
      TESSERA_AUTH_JWKS_URL: 'https://idp.example/jwks',
      TESSERA_AUTH_ISSUER: 'https://idp.example',
      TESSERA_AUTH_AUDIENCE: 'tessera',
      TESSERA_INTERNAL_SECRET: 'Qm9vdHN0cmFwLXNlY3JldC0xMjM0NTY3ODkwYWJjZGVm',
      TESSERA_METRICS: 'public',
    };
    expect(refusal({ ...production, ...ORG, TESSERA_SALESFORCE_LOGIN_URL: 'http://login.salesforce.com' })).toBe(
      'TESSERA_SALESFORCE_LOGIN_URL must be an https:// URL when TESSERA_ENV=production (got "http://login.salesforce.com"); ' +
        'set TESSERA_ALLOW_HTTP_SUBGRAPHS=on only where the network itself is protected (mTLS at a sidecar)',
    );
    expect(refusal({ ...production, ...ORG, TESSERA_SALESFORCE_INSTANCE_URL: 'http://firm.my.salesforce.com' })).toMatch(
      /^TESSERA_SALESFORCE_INSTANCE_URL must be an https:\/\/ URL when TESSERA_ENV=production/,
    );
    expect(load({ ...ORG, TESSERA_SALESFORCE_LOGIN_URL: 'http://127.0.0.1:4999/' }).crm.salesforce!.loginUrl).toBe('http://127.0.0.1:4999');
  });

  it('checks the stage mapping against the canonical stages when the adapter is made', () => {
    expect(() => stageMapping({ Won: 'CLOSED_WON', Open: 'OPEN' })).toThrow(
      'TESSERA_SALESFORCE_STAGES names OPEN, not canonical stages (PROSPECTING, QUALIFIED, PROPOSAL, NEGOTIATION, CLOSED_WON, CLOSED_LOST)',
    );
    expect(() => stageMapping({ Won: 'CLOSED_WON' })).toThrow(
      'TESSERA_SALESFORCE_STAGES names no StageName for PROSPECTING, QUALIFIED, PROPOSAL, NEGOTIATION, CLOSED_LOST',
    );
    const custom = stageMapping({
      Discover: 'PROSPECTING',
      Qualify: 'QUALIFIED',
      Propose: 'PROPOSAL',
      'Propose (revised)': 'PROPOSAL',
      Negotiate: 'NEGOTIATION',
      Won: 'CLOSED_WON',
      Lost: 'CLOSED_LOST',
    });
    expect([custom.stageNameOf('PROPOSAL'), custom.codec.read({ StageName: 'Propose (revised)' })]).toEqual(['Propose', 'PROPOSAL']);
    expect(custom.codec.read({ StageName: 'Signed', IsClosed: true, IsWon: true })).toBe('CLOSED_WON');
    expect(custom.codec.read({ StageName: 'Parked', IsClosed: true, IsWon: false })).toBe('CLOSED_LOST');
    expect(custom.codec.read({ StageName: 'Intro call', IsClosed: false, IsWon: false })).toBe('PROSPECTING');
  });
});
