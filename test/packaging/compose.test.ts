/**
 * `deploy/compose.yaml`, checked without a Docker engine (README "Packaging"): each Tessera
 * container runs a real run mode, loads its configuration in production with the filled-in env
 * file, listens on the port its health check asks and the others call, waits for what it calls to
 * be healthy, and keeps its secrets in git-ignored env files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { availableMode } from '../../runtime/modes.ts';
import { SYSTEM_NAMES } from '../../systems/systems.ts';
import { runProcess } from '../harness/runProcess.ts';
import {
  filledExampleEnv,
  imageEnv,
  isKnownVariable,
  listenPort,
  loadCompose,
  parseDockerfile,
  parseEnvFile,
  REPO,
  repoFile,
  runModeOf,
  type ComposeService,
} from '../harness/packaging.ts';

const compose = loadCompose();
const IMAGE_ENV = imageEnv(parseDockerfile(repoFile('Dockerfile')));
const SERVICES = Object.entries(compose.services);
/** The containers of the Tessera image (built from the Dockerfile). */
const TESSERA = SERVICES.filter(([, service]) => service.build !== undefined);
const byName = (name: string): ComposeService => compose.services[name]!;

/** What the process in the container sees: the image's ENV, the env file (filled in), the service's environment. */
function containerEnv(service: ComposeService): Record<string, string> {
  return { ...IMAGE_ENV, ...filledExampleEnv(), ...service.environment };
}

function configOf(service: ComposeService): TesseraConfig {
  return loadConfig(containerEnv(service), '/app');
}

/** The compose service whose container runs `serve <target>`. */
function serviceServing(target: string): [string, ComposeService] {
  const found = TESSERA.filter(([, service]) => service.command?.[0] === 'serve' && service.command[1] === target);
  expect(
    found.map(([name]) => name),
    `one service runs serve ${target}`,
  ).toHaveLength(1);
  return found[0]!;
}

describe('deploy/compose.yaml', () => {
  it('runs PostgreSQL, NATS, Redis and one Tessera container per role, all from the Dockerfile', () => {
    expect(SERVICES.map(([name]) => name).sort()).toEqual(
      ['crm', 'erp', 'gateway', 'integration', 'nats', 'postgres', 'psa', 'redis', 'registry', 'relay'].sort(),
    );
    for (const [, service] of TESSERA) {
      expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(service.image).toBe('tessera:local');
      expect(service.env_file).toEqual(['tessera.env']);
    }
    expect(TESSERA.map(([, service]) => service.command?.join(' ')).sort()).toEqual(
      [...SYSTEM_NAMES.map((name) => `serve ${name}`), 'serve gateway --remote', 'serve registry', 'serve relay'].sort(),
    );
  });

  it('gives every Tessera container a command that is a run mode with a composition root', () => {
    for (const [name, service] of TESSERA) {
      const { mode } = runModeOf(service.command ?? []);
      const root = availableMode(mode).root;
      expect(root, name).not.toBeNull();
      expect(fs.existsSync(new URL(root!, REPO)), `${name}: ${root}`).toBe(true);
    }
  });

  it('names only TESSERA_* variables Tessera reads, in the services and both env file examples', () => {
    const names = [
      ...Object.keys(IMAGE_ENV),
      ...Object.keys(parseEnvFile(repoFile('deploy/tessera.env.example'))),
      ...SERVICES.flatMap(([, service]) => Object.keys(service.environment ?? {})),
    ].filter((name) => name.startsWith('TESSERA_'));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !isKnownVariable(name))).toEqual([]);
  });

  it('loads every Tessera container configuration in production once the env file is filled in', () => {
    for (const [name, service] of TESSERA) {
      const config = configOf(service);
      expect({ name, env: config.env, store: config.store.kind }).toEqual({ name, env: 'production', store: 'postgres' });
    }
    const events = configOf(byName('integration')).nats;
    expect(events?.servers).toEqual(['nats://nats:4222']);
    expect(configOf(byName('relay')).nats).toEqual(events);
  });

  it('refuses to start with the example env file as committed (a CHANGE_ME left in it)', () => {
    const asCommitted = { ...IMAGE_ENV, ...parseEnvFile(repoFile('deploy/tessera.env.example')) };
    // Each CHANGE_ME secret is refused on its own, whichever is read first.
    expect(() => loadConfig(asCommitted, '/app')).toThrow(/TESSERA_(INTERNAL_SECRET|METRICS_TOKEN) is too weak/);
    const secretReplaced = { ...asCommitted, TESSERA_INTERNAL_SECRET: 'q7Xv2LmN9pR4sT8wYb3Zc6Hd1Jf5Kg0A' };
    expect(() => loadConfig(secretReplaced, '/app')).toThrow(/^TESSERA_METRICS_TOKEN is too weak/);
  });

  it("points the gateway at each system's and the registry's service, on the port each listens on", () => {
    const gateway = configOf(byName('gateway'));
    for (const system of SYSTEM_NAMES) {
      const [host, service] = serviceServing(system);
      expect(gateway.subgraphUrls[system]).toBe(`http://${host}:${listenPort(service.command!, configOf(service))}/graphql`);
    }
    const [registryHost, registry] = serviceServing('registry');
    expect(gateway.registry.url).toBe(`http://${registryHost}:${listenPort(registry.command!, configOf(registry))}`);
    expect(listenPort(byName('gateway').command!, gateway)).toBe(4000);
    expect(byName('gateway').ports).toEqual(['4000:4000']);
  });

  it('listens where the health check asks: the default ports of core/config, the relay on 4010', async () => {
    const ports: Record<string, number> = {};
    for (const [name, service] of TESSERA) {
      const port = listenPort(service.command!, configOf(service));
      ports[name] = port;
      const asked = await runProcess('node', ['deploy/healthcheck.mjs', '--url', ...service.command!], {
        cwd: REPO,
        env: { PATH: process.env.PATH, ...containerEnv(service) },
      });
      expect({ name, code: asked.code, url: asked.stdout.trim() }).toEqual({
        name,
        code: 0,
        url: `http://127.0.0.1:${port}/health/ready`,
      });
    }
    expect(ports).toEqual({ registry: 4005, crm: 4001, psa: 4002, erp: 4003, integration: 4004, relay: 4010, gateway: 4000 });
  });

  it('starts each service once every service it calls answers its health check', () => {
    const healthy = (name: string) => byName(name).healthcheck !== undefined || byName(name).build !== undefined;
    for (const [name, service] of SERVICES) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, condition, healthChecked: healthy(dependency) }).toEqual({
          name,
          dependency,
          condition: 'service_healthy',
          healthChecked: true,
        });
      }
    }
    for (const name of ['postgres', 'nats', 'redis']) expect(byName(name).healthcheck?.test.length, name).toBeGreaterThan(1);
    // Every host a container's URLs name is a service it waits for; every store it opens is PostgreSQL's.
    for (const [name, service] of TESSERA) {
      const urls = Object.values(service.environment ?? {}).filter((value) => /^[a-z]+:\/\//.test(value));
      const hosts = urls.map((url) => new URL(url).hostname);
      const opensStores = runModeOf(service.command!).mode !== 'gateway';
      const database = new URL(filledExampleEnv().TESSERA_DATABASE_URL!).hostname;
      const needed = [...new Set([...hosts, ...(opensStores ? [database] : [])])].sort();
      expect({ name, needed }).toEqual({ name, needed: Object.keys(service.depends_on ?? {}).sort() });
    }
  });

  it('keeps secrets out of the compose file and out of git: env files, each with a committed example', () => {
    const secrets = [
      'TESSERA_INTERNAL_SECRET',
      'TESSERA_METRICS_TOKEN',
      'TESSERA_DATABASE_URL',
      'TESSERA_REGISTRY_TOKEN',
      'POSTGRES_PASSWORD',
    ];
    for (const [name, service] of SERVICES) {
      expect({ name, inline: Object.keys(service.environment ?? {}).filter((key) => secrets.includes(key)) }).toEqual({ name, inline: [] });
      for (const file of service.env_file ?? []) {
        expect(fs.existsSync(new URL(`deploy/${file}.example`, REPO)), `deploy/${file}.example`).toBe(true);
        // git check-ignore exits 0 when the path is ignored.
        expect(() => execFileSync('git', ['check-ignore', '-q', `deploy/${file}`], { cwd: REPO })).not.toThrow();
      }
    }
    const postgres = parseEnvFile(repoFile('deploy/postgres.env.example'));
    const database = new URL(parseEnvFile(repoFile('deploy/tessera.env.example')).TESSERA_DATABASE_URL!);
    expect({ user: database.username, db: database.pathname.slice(1), password: database.password }).toEqual({
      user: postgres.POSTGRES_USER,
      db: postgres.POSTGRES_DB,
      password: postgres.POSTGRES_PASSWORD,
    });
  });
});
