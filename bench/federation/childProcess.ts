/**
 * The federation benchmark's processes (subgraphs, gateways, load generator): each started with an
 * IPC channel, ready once it sends its first message, and stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child<Ready> {
  readonly process: ChildProcess;
  /** Its first message (a port, a list of URLs). */
  readonly ready: Ready;
  /** Sends `message` and resolves with the next message it answers. */
  ask<Answer>(message: object): Promise<Answer>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** The script: TypeScript (run through tsx) or JavaScript. */
  readonly script: URL;
  readonly args?: readonly string[];
  /** Its whole environment (nothing of this process's is passed but PATH). */
  readonly env?: Readonly<Record<string, string>>;
  /** Node flags (after tsx's loader for a TypeScript script). */
  readonly nodeFlags?: readonly string[];
  /** Where its stdout goes (a file descriptor); `ignore` by default. */
  readonly stdout?: number | 'ignore' | 'inherit';
  readonly cwd?: URL;
}

/** Starts the child and resolves once it sent its first message; rejects if it exits before. */
export function startChild<Ready>(options: ChildOptions): Promise<Child<Ready>> {
  const script = options.script.pathname;
  const child = spawn(
    process.execPath,
    [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.nodeFlags ?? []), script, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? new URL('../../', import.meta.url),
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${script} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('message', (ready: Ready) => {
      child.off('exit', onExit);
      resolve({
        process: child,
        ready,
        ask: <Answer>(message: object) =>
          new Promise<Answer>((answer, fail) => {
            const gone = () => fail(new Error(`${script} exited while asked ${JSON.stringify(message)}`));
            child.once('exit', gone);
            child.once('message', (reply: Answer) => {
              child.off('exit', gone);
              answer(reply);
            });
            child.send(message);
          }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
