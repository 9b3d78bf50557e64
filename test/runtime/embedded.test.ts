/** The embedded root (`tessera start`): every system in process, seeded when empty, behind the gateway. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startEmbedded, type Embedded } from '../../runtime/embedded.ts';
import { generateDataset } from '../../seed/generate.ts';
import { askGateway, README_QUERY, rootFixture, type RootFixture } from './roots.ts';

let fixture: RootFixture;
let embedded: Embedded | undefined;
beforeAll(() => {
  fixture = rootFixture();
});
afterAll(async () => {
  await embedded?.stop();
  await fixture?.remove();
});

async function start(env: Record<string, string>, seedScale: 's' | 'none') {
  await embedded?.stop();
  embedded = await startEmbedded({ config: { ...fixture.withEnv(env), seedScale }, logger: createLogger('silent') });
  return embedded;
}

describe('the embedded mode', () => {
  it('seeds an empty store and serves a README query', async () => {
    const tessera = await start({}, 's');
    expect([tessera.seed.kind, Object.keys(tessera.systems)]).toEqual(['seeded', ['crm', 'psa', 'erp', 'integration']]);
    const answer = await askGateway(await tessera.listen(0), fixture.config, README_QUERY);
    const dataset = generateDataset({ scale: 's' });
    const project = dataset.psa.projects.find((row) => row.id === 'prj_00008')!;
    const customer = dataset.crm.accounts.find((row) => row.id === project.account_id)!;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      data: { project: { code: project.code, name: project.name, status: project.status, customer: { name: customer.name } } },
    });
    expect(answer.body).not.toHaveProperty('errors');
  });

  it('does not seed a store that holds data', async () => {
    const tessera = await start({}, 's');
    expect(tessera.seed).toEqual({ kind: 'skipped', reason: 'not-empty' });
  });

  it('does not run a system whose URL variable is set (`tessera serve gateway`), nor seed the others', async () => {
    const tessera = await start({ TESSERA_SUBGRAPH_ERP_URL: 'http://127.0.0.1:9/graphql' }, 's');
    expect([tessera.seed, Object.keys(tessera.systems)]).toEqual([
      { kind: 'skipped', reason: 'not-all-local' },
      ['crm', 'psa', 'integration'],
    ]);
  });

  it('refuses to start over a variable that names no system', async () => {
    await expect(start({ TESSERA_SUBGRAPH_PORT_ERPP: '4003' }, 'none')).rejects.toThrow(
      new TypeError('TESSERA_SUBGRAPH_PORT_ERPP names no system; the systems are crm, psa, erp, integration'),
    );
  });
});
