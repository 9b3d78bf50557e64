import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { inProcessUrl, systemPorts, systemUrls, type ListedSystem } from '../../runtime/systemUrls.ts';
import { SYSTEM_LIST, SYSTEMS } from '../../systems/systems.ts';

const LIST: readonly ListedSystem[] = [
  { name: 'crm', defaultPort: 4001 },
  { name: 'psa', defaultPort: 4002 },
];

describe('the systems list', () => {
  it('names each system as its reference system does, with its default port, in composition order', () => {
    expect(SYSTEM_LIST.map(({ name, system, defaultPort }) => [name, system.name, defaultPort])).toEqual([
      ['crm', 'crm', 4001],
      ['psa', 'psa', 4002],
      ['erp', 'erp', 4003],
      ['integration', 'integration', 4004],
    ]);
    expect(Object.keys(SYSTEMS)).toEqual(['crm', 'psa', 'erp', 'integration']);
  });
});

describe('systemUrls: where each system answers, for the gateway and for peers alike', () => {
  it('embedded: a system without a URL variable runs in process; one with it is called there', () => {
    const urls = systemUrls(loadConfig({ TESSERA_SUBGRAPH_PSA_URL: 'http://psa.internal:9000/graphql' }), LIST, 'in-process');
    expect(urls.all).toEqual([
      { name: 'crm', url: 'http://crm.embedded.tessera/graphql', inProcess: true },
      { name: 'psa', url: 'http://psa.internal:9000/graphql', inProcess: false },
    ]);
    expect([urls.urlOf('crm'), urls.urlOf('psa')]).toEqual([inProcessUrl('crm'), 'http://psa.internal:9000/graphql']);
  });

  it('a system service: a peer without a URL variable is on this host, on its port variable or its default port', () => {
    const urls = systemUrls(loadConfig({ TESSERA_SUBGRAPH_PORT_PSA: '5002' }), LIST, 'this-host');
    expect(urls.all).toEqual([
      { name: 'crm', url: 'http://127.0.0.1:4001/graphql', inProcess: false },
      { name: 'psa', url: 'http://127.0.0.1:5002/graphql', inProcess: false },
    ]);
    expect([...systemPorts(loadConfig({ TESSERA_SUBGRAPH_PORT_PSA: '5002' }), LIST)]).toEqual([
      ['crm', 4001],
      ['psa', 5002],
    ]);
    expect([...systemPorts(loadConfig({}), SYSTEM_LIST)]).toEqual([
      ['crm', 4001],
      ['psa', 4002],
      ['erp', 4003],
      ['integration', 4004],
    ]);
  });

  it('the gateway alone: every URL is required, and the refusal names each missing variable', () => {
    expect(() => systemUrls(loadConfig({}), SYSTEM_LIST, 'required')).toThrow(
      new TypeError(
        'the gateway alone calls every subgraph over HTTP: set TESSERA_SUBGRAPH_CRM_URL, TESSERA_SUBGRAPH_PSA_URL, ' +
          'TESSERA_SUBGRAPH_ERP_URL, TESSERA_SUBGRAPH_INTEGRATION_URL (the URL of `tessera serve <name>`)',
      ),
    );
    const env = { TESSERA_SUBGRAPH_CRM_URL: 'http://crm:4001/graphql', TESSERA_SUBGRAPH_PSA_URL: 'http://psa:4002/graphql' };
    expect(systemUrls(loadConfig(env), LIST, 'required').all).toEqual([
      { name: 'crm', url: 'http://crm:4001/graphql', inProcess: false },
      { name: 'psa', url: 'http://psa:4002/graphql', inProcess: false },
    ]);
  });

  it('refuses a variable naming no system, whatever the mode, naming the variable', () => {
    const config = loadConfig({ TESSERA_SUBGRAPH_CRN_URL: 'http://crn/graphql', TESSERA_SUBGRAPH_PORT_BILLING: '4100' });
    const refusal = new TypeError('TESSERA_SUBGRAPH_CRN_URL, TESSERA_SUBGRAPH_PORT_BILLING names no system; the systems are crm, psa');
    for (const mode of ['in-process', 'this-host', 'required'] as const) expect(() => systemUrls(config, LIST, mode)).toThrow(refusal);
    expect(() => systemPorts(config, LIST)).toThrow(refusal);
  });

  it('urlOf refuses a name that is no system (a peer call to a typo fails loudly)', () => {
    expect(() => systemUrls(loadConfig({}), LIST, 'in-process').urlOf('ERP')).toThrow(new TypeError('no system is named "ERP"'));
  });
});
