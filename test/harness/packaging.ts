/**
 * Reads the packaging files (README "Packaging") the way Docker and Compose read them, for the
 * tests that check them without a Docker engine: the Dockerfile's instructions, the env files,
 * `deploy/compose.yaml`, and how a container's command maps to a run mode and its port.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../bin/build.ts';
import type { TesseraConfig } from '../../core/config/config.ts';
import { KNOWN_VARIABLE_PATTERNS, KNOWN_VARIABLES } from '../../core/config/knownVariables.ts';
import type { RunModeName } from '../../runtime/modes.ts';
import { systemPorts } from '../../runtime/systemUrls.ts';
import { isSystemName, SYSTEM_LIST, type SystemName } from '../../systems/systems.ts';

export const REPO = new URL('../../', import.meta.url);

export function repoFile(file: string): string {
  return fs.readFileSync(new URL(file, REPO), 'utf8');
}

/** One Dockerfile instruction: its keyword (upper case), its arguments, and the stage it is in (0 first). */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly stage: number;
}

/** The instructions of a Dockerfile, continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): readonly DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let stage = -1;
  let pending = '';
  for (const line of text.split('\n')) {
    // Docker drops comment lines, also those inside a continued instruction.
    if (/^\s*#/.test(line)) continue;
    const joined = pending + line.trim();
    if (joined.endsWith('\\')) {
      pending = `${joined.slice(0, -1).trim()} `;
      continue;
    }
    pending = '';
    if (!joined) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(joined) ?? [];
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    instructions.push({ keyword: keyword.toUpperCase(), args, stage });
  }
  return instructions;
}

/** The exec-form (JSON array) arguments of an instruction like ENTRYPOINT or CMD. */
export function execForm(instruction: DockerInstruction | undefined): readonly string[] {
  if (!instruction) throw new Error('instruction missing');
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
    throw new Error(`${instruction.keyword} is not in exec form: ${instruction.args}`);
  }
  return parsed as string[];
}

/**
 * The final image's WORKDIR (/app) laid out in `root` as the final stage's COPY instructions lay it
 * out, without a Docker engine: `--from=deps /app/node_modules` is this checkout's node_modules
 * (linked), `--from=build /app/dist` is what the build stage's `npm run build` writes (bin/build.ts),
 * and a COPY from the build context copies from the repository. Any other COPY throws: the
 * simulation must not silently drift from the Dockerfile. Takes a build (~5 s).
 */
export function layOutImage(instructions: readonly DockerInstruction[], root: string): void {
  const last = Math.max(...instructions.map((instruction) => instruction.stage));
  const repo = fileURLToPath(REPO);
  for (const { args } of instructions.filter(({ keyword, stage }) => keyword === 'COPY' && stage === last)) {
    const words = args.split(/\s+/);
    const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((word) => !word.startsWith('--'));
    if (paths.length !== 2) throw new Error(`COPY ${args}: one source and one destination expected`);
    const [source, destination] = paths as [string, string];
    const target = path.join(root, destination);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (from === 'deps' && source === '/app/node_modules') fs.symlinkSync(path.join(repo, 'node_modules'), target, 'dir');
    else if (from === 'build' && source === '/app/dist') buildDist({ outDir: target });
    else if (from === undefined && !path.isAbsolute(source)) fs.cpSync(path.join(repo, source), target, { recursive: true });
    else throw new Error(`COPY ${args}: not simulated`);
  }
}

/** The variables `ENV key=value ...` instructions of the final stage set. */
export function imageEnv(instructions: readonly DockerInstruction[]): Record<string, string> {
  const last = Math.max(...instructions.map((instruction) => instruction.stage));
  const env: Record<string, string> = {};
  for (const { keyword, args, stage } of instructions) {
    if (keyword !== 'ENV' || stage !== last) continue;
    for (const [, key = '', value = ''] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env[key] = value.replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** `KEY=value` lines of an env file (`docker --env-file`, Compose `env_file`), comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) throw new Error(`not a KEY=value line: ${line}`);
    env[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return env;
}

/** Whether Tessera reads this `TESSERA_*` variable (core/config/knownVariables.ts). */
export function isKnownVariable(name: string): boolean {
  return KNOWN_VARIABLES.has(name) || KNOWN_VARIABLE_PATTERNS.some((pattern) => pattern.test(name));
}

/** The part of a Compose service these tests read. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly env_file?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
}

/**
 * `deploy/compose.yaml` parsed with anchors and merge keys resolved. js-yaml is in node_modules
 * through ESLint (no dependency of its own is added for a test); required, as it ships no types.
 */
export function loadCompose(): ComposeFile {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return yaml.load(repoFile('deploy/compose.yaml')) as ComposeFile;
}

/**
 * `deploy/tessera.env.example` with test values in place of each `CHANGE_ME` (a random internal
 * secret and metrics token, a password in the database URL): what an operator's filled-in copy holds.
 */
export function filledExampleEnv(): Record<string, string> {
  const example = parseEnvFile(repoFile('deploy/tessera.env.example'));
  const testValues: Record<string, string> = {
    TESSERA_INTERNAL_SECRET: randomBytes(32).toString('base64'),
    TESSERA_METRICS_TOKEN: randomBytes(24).toString('hex'),
  };
  return Object.fromEntries(
    Object.entries(example).map(([key, value]) => [key, testValues[key] ?? value.replaceAll('CHANGE_ME', 'test-password')]),
  );
}

/**
 * The run mode (runtime/modes.ts) a container's command starts, as bin/tessera.ts reads it: `start`,
 * `serve <system>`, `serve gateway [--remote]`, `serve relay`, `serve registry`. Anything else throws.
 */
export function runModeOf(command: readonly string[]): { readonly mode: RunModeName; readonly system?: SystemName } {
  const [verb, target, ...flags] = command;
  if (verb === 'start' && target === undefined) return { mode: 'embedded' };
  if (verb !== 'serve') throw new Error(`not a run mode: ${command.join(' ')}`);
  if (target === 'gateway' && flags.length <= 1 && flags.every((flag) => flag === '--remote')) {
    return { mode: flags.length === 1 ? 'gateway' : 'embedded' };
  }
  if (flags.length > 0) throw new Error(`unexpected flags: ${command.join(' ')}`);
  if (target === 'relay' || target === 'registry') return { mode: target };
  if (isSystemName(target)) return { mode: 'system', system: target };
  throw new Error(`not a run mode: ${command.join(' ')}`);
}

/** The port the process of `command` listens on with `config`, as its composition root chooses it. */
export function listenPort(command: readonly string[], config: TesseraConfig): number {
  const { mode, system } = runModeOf(command);
  if (mode === 'registry') return config.registry.port;
  if (mode === 'system') return systemPorts(config, SYSTEM_LIST).get(system!)!;
  return config.port;
}
