/**
 * The container's start, simulated without a Docker engine (README "Packaging"): the image's files
 * laid out in a temporary /app as its COPY instructions lay them out (the compiled build from
 * bin/build.ts, node_modules, the health check script), then the Dockerfile's ENTRYPOINT and CMD
 * run there as a child process, plain node (no tsx), with the image's ENV and the filled-in
 * `deploy/tessera.env.example` (a PEM key file instead of the example's JWKS, SQLite in a temporary
 * /data instead of PostgreSQL). It must become ready, pass the image's health check, answer a
 * client token signed by the "identity provider", guard /metrics, and stop cleanly on SIGTERM
 * (what `docker stop` sends to PID 1). This is the smoke test CI runs in place of `docker run`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/runProcess.ts';
import { execForm, filledExampleEnv, imageEnv, layOutImage, parseDockerfile, repoFile } from '../harness/packaging.ts';
import { freePort } from '../harness/freePort.ts';

const instructions = parseDockerfile(repoFile('Dockerfile'));
const entrypoint = execForm(instructions.findLast((instruction) => instruction.keyword === 'ENTRYPOINT'));
const cmd = execForm(instructions.findLast((instruction) => instruction.keyword === 'CMD'));

/** A process started as the container would start it, with its output so far and its exit. */
interface Container {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Runs ENTRYPOINT + `command` with `env`; resolves once it logs that it serves, rejects if it exits first. */
function startContainer(command: readonly string[], env: Record<string, string>): Promise<Container> {
  const [node, ...args] = entrypoint;
  const child = spawn(node!, [...args, ...command], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${command.join(' ')} exited (${code}) before serving:\n${output}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // Every root logs `... is serving http://localhost:<port>/...` once it listens.
      if (/"msg":"[^"]* is serving /.test(output)) {
        child.off('exit', onExit);
        resolve({ child, exited, output: () => output });
      }
    });
    child.once('exit', onExit);
  });
}

/** The image's /app as a URL (runProcess's cwd): its health check is the image's copy of deploy/healthcheck.mjs. */
function appUrl(): URL {
  return pathToFileURL(`${app}/`);
}

/** The container's /data: what the image's chown and chmod make it, a folder of the process's user, 0700. */
function dataFolder(root: string, name: string): string {
  const folder = path.join(root, name);
  fs.mkdirSync(folder, { mode: 0o700 });
  return folder;
}

let container: Container;
let base: string;
let env: Record<string, string>;
let root: string;
/** The image's WORKDIR (/app): what its COPY instructions put there. */
let app: string;
let dataDir: string;
let privateKey: string;
let publicKeyFile: string;
const filled = filledExampleEnv();
// The example's JWKS and PostgreSQL are not here: a PEM key file and the image's SQLite /data stand in for them.
const { TESSERA_AUTH_JWKS_URL: _jwks, TESSERA_DATABASE_URL: _database, ...secrets } = filled;

/** The image's ENV, the filled-in env file (but the JWKS and PostgreSQL), the key file and a data folder. */
function containerEnv(data: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    ...imageEnv(instructions),
    ...secrets,
    TESSERA_DATA_DIR: data,
    TESSERA_AUTH_PUBLIC_KEY_FILE: publicKeyFile,
    ...extra,
  };
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-container-'));
  app = path.join(root, 'app');
  layOutImage(instructions, app);
  dataDir = dataFolder(root, 'data');
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  publicKeyFile = path.join(root, 'tessera-auth.pem');
  fs.writeFileSync(publicKeyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const port = await freePort();
  env = containerEnv(dataDir, { PORT: String(port) });
  base = `http://127.0.0.1:${port}`;
  container = await startContainer(cmd, env);
}, 120_000);

afterAll(() => {
  if (container?.child.exitCode === null && container.child.signalCode === null) container.child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the image started as Docker starts it (ENTRYPOINT + CMD, the image ENV, the example env file)', () => {
  it('runs in production and answers /health/ready with 200', async () => {
    expect(env.TESSERA_ENV).toBe('production');
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it("passes the image's health check, which finds the mode and its port from the process's command line", async () => {
    // In the container the process is PID 1, which the script reads by default.
    const check = await runProcess('node', ['deploy/healthcheck.mjs', '--pid', String(container.child.pid)], { cwd: appUrl(), env });
    expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it("answers a client whose token the identity provider's key signed", async () => {
    const token = jwt.sign({ scope: 'crm:read', legal_entities: '*' }, privateKey, {
      algorithm: 'RS256',
      issuer: filled.TESSERA_AUTH_ISSUER,
      audience: filled.TESSERA_AUTH_AUDIENCE,
      subject: 'smoke-test',
      expiresIn: 60,
    });
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ accounts { totalCount } }' }),
    });
    // Production seeds nothing: the store is empty.
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { data: { accounts: { totalCount: 0 } } },
    });
  });

  it('guards /metrics with the env file token and keeps /data private', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${filled.TESSERA_METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(dataDir).filter((file) => file.endsWith('.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect({ file, mode: fs.statSync(path.join(dataDir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  it('stops cleanly on SIGTERM, after which the health check fails', async () => {
    container.child.kill('SIGTERM');
    expect(await container.exited).toEqual({ code: 0, signal: null });
    expect(container.output()).not.toContain(filled.TESSERA_INTERNAL_SECRET);
    expect(container.output()).not.toContain(filled.TESSERA_METRICS_TOKEN);
    const check = await runProcess('node', ['deploy/healthcheck.mjs', ...cmd], { cwd: appUrl(), env });
    expect(check.code).toBe(1);
  }, 60_000);
});

describe.each([
  { command: ['serve', 'crm'], portVariable: 'TESSERA_SUBGRAPH_PORT_CRM' },
  { command: ['serve', 'registry'], portVariable: 'TESSERA_REGISTRY_PORT' },
])('the image started with the command $command.1 (one role of deploy/compose.yaml)', ({ command, portVariable }) => {
  it("becomes healthy on its mode's port by the image's health check, and stops cleanly on SIGTERM", async () => {
    const roleEnv = containerEnv(dataFolder(root, command[1]!), { [portVariable]: String(await freePort()) });
    const role = await startContainer(command, roleEnv);
    try {
      const check = await runProcess('node', ['deploy/healthcheck.mjs', '--pid', String(role.child.pid)], { cwd: appUrl(), env: roleEnv });
      expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
      role.child.kill('SIGTERM');
      expect(await role.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (role.child.exitCode === null && role.child.signalCode === null) role.child.kill('SIGKILL');
    }
  }, 120_000);
});
