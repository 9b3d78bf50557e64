/**
 * `tessera seed [--scale S] [--reseed] [--quiet]` (README "Commands", docs/demo-data.md): seeds the
 * empty reference systems, printing one progress line per phase on stderr; over existing data it
 * writes nothing and exits 1 unless `--reseed` (development only) empties them first.
 */
import { SEED_SCALES, type SeedScale, type TesseraConfig } from '../../core/config/config.ts';
import { SeedRefused, seedStores } from '../../runtime/seedStores.ts';
import type { SeedProgress } from '../../seed/seedSystems.ts';
import type { CommandInput } from '../cli/commandInput.ts';
import { configured } from '../cli/configured.ts';
import { UsageError } from '../cli/failures.ts';

export async function run(input: CommandInput): Promise<number> {
  const requested = input.values.scale as string | undefined;
  if (requested !== undefined && !(SEED_SCALES as readonly string[]).includes(requested)) {
    throw new UsageError(`--scale must be one of ${SEED_SCALES.join(', ')}; got ${JSON.stringify(requested)}`);
  }
  const { config, logger } = configured(input, 'stderr');
  const scale = (requested as SeedScale | undefined) ?? (config.seedScale === 'none' ? 's' : config.seedScale);
  const reseed = input.values.reseed === true;
  const say = (line: string) => input.stderr(`tessera seed: ${line}\n`);
  const started = performance.now();
  if (!input.values.quiet)
    say(`${reseed ? 'emptying every reference system, then seeding' : 'seeding'} scale ${scale} into ${storeName(config)}`);
  let outcome;
  try {
    outcome = await seedStores(config, { scale, reseed, logger, onProgress: input.values.quiet ? undefined : (p) => say(progressLine(p)) });
  } catch (error) {
    if (!(error instanceof SeedRefused)) throw error;
    say(error.message);
    return 1;
  }
  if (outcome.kind === 'skipped') {
    say(
      `the reference systems in ${storeName(config)} already hold data: nothing was written. ` +
        '`tessera seed --reseed` (npm run seed -- --reseed) deletes every record of every system and seeds again.',
    );
    return 1;
  }
  if (!input.values.quiet) say(`done: ${count(totalRows(outcome.summary.rows))} rows in ${seconds(performance.now() - started)}`);
  return 0;
}

/** Where the data goes, without the PostgreSQL URL's credentials. */
function storeName(config: TesseraConfig): string {
  if (config.store.kind === 'sqlite') return config.store.dataDir;
  const url = new URL(config.store.url);
  return `postgres://${url.host}${url.pathname}`;
}

/** One line per phase: the dataset generated, then each system as its insert commits. */
export function progressLine(progress: SeedProgress): string {
  if (progress.phase === 'generated') return `generated ${count(progress.rows)} rows in ${seconds(progress.ms)}`;
  return `${progress.system}: inserted ${count(progress.rows)} rows into ${progress.tables} tables in ${seconds(progress.ms)}`;
}

function totalRows(rows: Readonly<Record<string, Readonly<Record<string, number>>>>): number {
  return Object.values(rows).reduce((sum, tables) => sum + Object.values(tables).reduce((a, b) => a + b, 0), 0);
}

const count = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
