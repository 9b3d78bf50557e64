import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A NATS server of a test's own (with JetStream, on a free port, a temp store), for the faults the
 * machine's shared server must not suffer: killed with SIGKILL and started again on the same port
 * and store. Only where a `nats-server` binary is installed (`natsServerBinary`).
 */
export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: no shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store; resolves once it accepts clients. */
  restart(): Promise<void>;
  /** Stops it (if running) and removes its store. */
  remove(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server', '/usr/local/sbin/nats-server'];

/** The `nats-server` binary on this machine (on PATH, or where Debian puts it), if any. */
export function natsServerBinary(): string | undefined {
  const onPath = spawnSync('which', ['nats-server'], { encoding: 'utf8' });
  const found = onPath.status === 0 ? onPath.stdout.trim() : '';
  return found || CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

export async function startPrivateNatsServer(binary: string): Promise<PrivateNatsServer> {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-nats-'));
  let { child, port } = await launch(binary, storeDir, -1);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async kill() {
      await stop(child, 'SIGKILL');
    },
    async restart() {
      ({ child, port } = await launch(binary, storeDir, port));
    },
    async remove() {
      await stop(child, 'SIGTERM');
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Starts the server (`port` -1: any free one) and resolves with its port once it is ready for clients. */
function launch(binary: string, storeDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    let listening: number | undefined;
    const fail = (reason: string) => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not start (${reason}):\n${log}`));
    };
    const timer = setTimeout(() => fail('no "Server is ready" within 10 s'), 10_000);
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      listening ??= Number(/Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log)?.[1]) || undefined;
      if (listening && log.includes('Server is ready')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ child, port: listening });
      }
    });
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
