/** TESSERA_HUBSPOT_* (core/config/hubspot.ts): defaults, the token from a file, and what is refused at start. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCrmSystemConfig } from '../../core/config/crmSystem.ts';
import { readHubSpotConfig } from '../../core/config/hubspot.ts';

const TOKEN = { TESSERA_HUBSPOT_TOKEN: 'pat-na1-secret-value' };

describe('HubSpot configuration', () => {
  it('defaults, with the token kept secret', () => {
    const config = readHubSpotConfig(TOKEN, true, '/');
    expect(JSON.parse(JSON.stringify(config))).toEqual({
      baseUrl: 'https://api.hubapi.com',
      token: '[redacted]',
      contractObject: 'p_tessera_contracts',
      amendmentObject: 'p_tessera_contract_amendments',
      taxIdProperty: 'tax_id',
      apiBudgetPerDay: 250_000,
      pollMs: 60_000,
      timeoutMs: 10_000,
    });
    expect(config.token.reveal()).toBe('pat-na1-secret-value');
  });

  it('reads the token and webhook secret from files, and the pipelines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hubspot-config-'));
    fs.writeFileSync(path.join(dir, 'token'), 'pat-na1-from-file\n');
    fs.writeFileSync(path.join(dir, 'secret'), 'client-secret\n');
    const config = readHubSpotConfig(
      {
        TESSERA_HUBSPOT_TOKEN_FILE: 'token',
        TESSERA_HUBSPOT_WEBHOOK_SECRET_FILE: 'secret',
        TESSERA_HUBSPOT_PIPELINES: 'default:PROSPECTING=a,QUALIFIED=b; 77:CLOSED_WON=w',
      },
      false,
      dir,
    );
    expect([config.token.reveal(), config.webhookSecret?.reveal(), config.tokenFile]).toEqual([
      'pat-na1-from-file',
      'client-secret',
      path.join(dir, 'token'),
    ]);
    expect(config.pipelines).toEqual({ default: { PROSPECTING: 'a', QUALIFIED: 'b' }, '77': { CLOSED_WON: 'w' } });
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses at start: no token, both token sources, http in production, a malformed pipeline, a bad object type or tax id property, a stray variable', () => {
    expect(() => readHubSpotConfig({}, false, '/')).toThrow(
      'TESSERA_HUBSPOT_TOKEN_FILE (or TESSERA_HUBSPOT_TOKEN) is required when TESSERA_CRM_SYSTEM uses hubspot',
    );
    expect(() => readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_TOKEN_FILE: 't' }, false, '/')).toThrow(
      'TESSERA_HUBSPOT_TOKEN_FILE and TESSERA_HUBSPOT_TOKEN are both set; set only one',
    );
    expect(() => readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_BASE_URL: 'http://hubspot.internal' }, true, '/')).toThrow(
      /TESSERA_HUBSPOT_BASE_URL/,
    );
    expect(() => readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_PIPELINES: 'default:won' }, false, '/')).toThrow(
      'TESSERA_HUBSPOT_PIPELINES: expected distinct STAGE=<stageId> pairs; got "won"',
    );
    expect(() => readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_CONTRACT_OBJECT: 'contracts' }, false, '/')).toThrow(
      'TESSERA_HUBSPOT_CONTRACT_OBJECT must be a custom object\'s type (p_name, p<portal>_name or 2-<id>); got "contracts"',
    );
    expect(() => readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_TAX_ID_PROPERTY: 'Tax ID' }, false, '/')).toThrow(
      'TESSERA_HUBSPOT_TAX_ID_PROPERTY must be a property\'s internal name like tax_id; got "Tax ID"',
    );
    expect(readHubSpotConfig({ ...TOKEN, TESSERA_HUBSPOT_TAX_ID_PROPERTY: 'vat_number' }, false, '/').taxIdProperty).toBe('vat_number');
    expect(() => readCrmSystemConfig({ ...TOKEN }, false, '/')).toThrow(
      'TESSERA_HUBSPOT_TOKEN is set but TESSERA_CRM_SYSTEM is sql: set TESSERA_CRM_SYSTEM=hubspot (or both)',
    );
  });
});
