/**
 * A clean shutdown (issue 11): stopping a root drains its HTTP server (readiness 503 at once, no new
 * connections, every accepted request answered in full) before the gateway and stores go; and
 * SIGTERM to `npm start` (what `docker stop` sends) stops the whole process tree.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { freePort } from '../harness/freePort.ts';

const QUERY = { query: '{ accounts { totalCount } }' };
const IN_FLIGHT = 20;

/** A promise with its resolve at hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Subgraph calls wait at the gate while it is armed: requests stay in flight as long as the test wants. */
function gatedFetcher() {
  let armed = false;
  let entered = 0;
  const gate = deferred();
  const waiters: { count: number; resolve: () => void }[] = [];
  const wrap =
    (fetcher: Fetcher): Fetcher =>
    async (url, init) => {
      if (armed) {
        entered += 1;
        for (const waiter of waiters.filter((candidate) => entered >= candidate.count)) waiter.resolve();
        await gate.promise;
      }
      return fetcher(url, init);
    };
  return {
    wrap,
    arm: () => void (armed = true),
    open: () => gate.resolve(),
    /** Resolves once `count` subgraph calls wait at the gate. */
    entered: (count: number) => new Promise<void>((resolve) => (entered >= count ? resolve() : waiters.push({ count, resolve }))),
  };
}

/** Reads a raw socket until `done` says the bytes so far are enough. */
function readUntil(socket: net.Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (done(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => resolve(text));
  });
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return false;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return code === 'ECONNREFUSED' || code === 'ECONNRESET';
  }
}

let tessera: TestTessera | undefined;
afterEach(async () => {
  await tessera?.stop();
  tessera = undefined;
});

describe('stopping a root drains its HTTP server', () => {
  it(`answers all ${IN_FLIGHT} requests in flight, says not ready and refuses new connections meanwhile`, async () => {
    const gate = gatedFetcher();
    tessera = await startTestTessera({ scale: 'none', wrapFetcher: gate.wrap });
    const origin = new URL(tessera.url).origin;
    const { port } = new URL(origin);
    expect((await fetch(`${origin}/health/ready`)).status).toBe(200);

    gate.arm();
    const answers = Array.from({ length: IN_FLIGHT }, () => tessera!.request(QUERY));
    await gate.entered(IN_FLIGHT);

    // A connection open before the drain, with a request begun on it: one complete request, then
    // the start of `/health/ready`. The first answer means the server has read (and begun parsing) both.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const live = readUntil(socket, (text) => text.includes('{"status":"live"}'));
    socket.write('GET /health/live HTTP/1.1\r\nhost: tessera\r\n\r\nGET /health/ready HTTP/1.1\r\nhost: tessera\r\n');
    expect(await live).toContain('200 OK');

    const stopped = tessera.tessera.stop();
    const ready = readUntil(socket, (text) => text.includes('"not ready"'));
    socket.write('\r\n');
    const readyAnswer = await ready;
    expect(readyAnswer).toMatch(/^HTTP\/1\.1 503/);
    expect(readyAnswer.toLowerCase()).toContain('connection: close');
    socket.destroy();
    expect(await refused(`${origin}/health/live`)).toBe(true);

    let stopResolved = false;
    void stopped.then(() => (stopResolved = true));
    gate.open();
    const results = await Promise.all(answers);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data).toEqual({ accounts: { totalCount: 0 } });
    }
    await stopped;
    expect(stopResolved).toBe(true);
    expect(await refused(`${origin}/health/live`)).toBe(true);
  });

  it('cuts requests still running after the drain timeout, and stop still resolves', async () => {
    const gate = gatedFetcher();
    tessera = await startTestTessera({ scale: 'none', wrapFetcher: gate.wrap, config: { shutdownTimeoutMs: 200 } });
    gate.arm();
    const answer = tessera.request(QUERY).then(
      () => 'answered',
      () => 'cut',
    );
    await gate.entered(1);
    await tessera.tessera.stop();
    expect(await answer).toBe('cut');
    expect(tessera.logs.records.some((record) => String(record.msg).includes('drain timeout'))).toBe(true);
    gate.open();
  });
});

const REPO = new URL('../../', import.meta.url);

/** Every process below `pid` (Linux /proc), so the test can tell whether one outlived npm. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(process.platform === 'linux')('SIGTERM to npm start', () => {
  it('stops the whole process tree and closes the port', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-shutdown-'));
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: REPO,
      env: {
        ...process.env,
        TESSERA_DATA_DIR: dataDir,
        TESSERA_SEED_SCALE: 'none',
        PORT: String(port),
        HOST: '127.0.0.1',
        TESSERA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const live = `http://127.0.0.1:${port}/health/live`;
    let tree: number[] = [];
    try {
      await until(
        async () => (await fetch(live, { signal: AbortSignal.timeout(2_000) }).catch(() => null))?.status === 200,
        90_000,
        `npm start to answer ${live}`,
      );
      tree = descendants(child.pid!);
      expect(tree.length).toBeGreaterThan(0);

      child.kill('SIGTERM');
      const exit = await Promise.race([
        exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`npm did not exit:\n${output}`)), 30_000)),
      ]);
      expect(exit.code === 0 || exit.signal !== null, JSON.stringify(exit)).toBe(true);
      await until(() => tree.every((pid) => !alive(pid)), 15_000, `no process of npm start to outlive it (${tree.join(', ')})`);
      expect(await refused(live)).toBe(true);
    } finally {
      // Whatever the outcome, nothing this test started keeps running.
      for (const pid of [child.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
