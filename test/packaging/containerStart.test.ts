/**
 * The container's start, simulated without a Docker engine (README "Packaging"): the Dockerfile's
 * ENTRYPOINT and CMD run as a child process with the image's ENV and the filled-in
 * `deploy/tessera.env.example` (a PEM key file instead of the example's JWKS, SQLite in a temporary
 * /data instead of PostgreSQL). It must become ready, pass the image's health check, answer a
 * client token signed by the "identity provider", guard /metrics, and stop cleanly on SIGTERM
 * (what `docker stop` sends to PID 1). This is the smoke test CI runs in place of `docker run`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/runProcess.ts';
import { execForm, filledExampleEnv, imageEnv, parseDockerfile, REPO, repoFile } from '../harness/packaging.ts';

const instructions = parseDockerfile(repoFile('Dockerfile'));
const entrypoint = execForm(instructions.findLast((instruction) => instruction.keyword === 'ENTRYPOINT'));
const cmd = execForm(instructions.findLast((instruction) => instruction.keyword === 'CMD'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when the child logs that it serves, rejects when it exits first (with its output). */
function serving(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (/"msg":"Tessera[^"]* is serving /.test(output())) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the container's process exited (${code}) before serving:\n${output()}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

let child: ChildProcess;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let output = '';
let base: string;
let env: Record<string, string>;
let dataDir: string;
let privateKey: string;
const filled = filledExampleEnv();

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-container-'));
  // The container's /data: what the image's chown and chmod make it, a folder of the process's user, 0700.
  dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyFile = path.join(root, 'tessera-auth.pem');
  fs.writeFileSync(publicKeyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const port = await freePort();
  // The example's JWKS and PostgreSQL are not here: a PEM key file and the image's SQLite /data stand in for them.
  const { TESSERA_AUTH_JWKS_URL: _jwks, TESSERA_DATABASE_URL: _database, ...secrets } = filled;
  env = {
    PATH: process.env.PATH!,
    ...imageEnv(instructions),
    ...secrets,
    TESSERA_DATA_DIR: dataDir,
    TESSERA_AUTH_PUBLIC_KEY_FILE: publicKeyFile,
    PORT: String(port),
  };
  base = `http://127.0.0.1:${port}`;
  const [command, ...args] = entrypoint;
  child = spawn(command!, [...args, ...cmd], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await serving(child, () => output);
}, 120_000);

afterAll(() => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('the image started as Docker starts it (ENTRYPOINT + CMD, the image ENV, the example env file)', () => {
  it('runs in production and answers /health/ready with 200', async () => {
    expect(env.TESSERA_ENV).toBe('production');
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it("passes the image's health check, which finds the port from the command", async () => {
    const check = await runProcess('node', ['deploy/healthcheck.mjs', ...cmd], { cwd: REPO, env });
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
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).not.toContain(filled.TESSERA_INTERNAL_SECRET);
    expect(output).not.toContain(filled.TESSERA_METRICS_TOKEN);
    const check = await runProcess('node', ['deploy/healthcheck.mjs', ...cmd], { cwd: REPO, env });
    expect(check.code).toBe(1);
  }, 60_000);
});
