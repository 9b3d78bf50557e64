/**
 * `tessera seed` (issue 11, the CLI): one progress line per phase on stderr with its counts; on
 * existing data a clear message, nothing written and exit 1; `--reseed` drops every system's data
 * (the append-only audit log included) and seeds again; production refuses both unless told.
 * On SQLite, and on PostgreSQL when TESSERA_TEST_POSTGRES_URL is set.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli/runCli.ts';
import type { StoreConfig } from '../../core/config/config.ts';
import { openAllSystems } from '../../systems/openAllSystems.ts';
import { testPostgresUrl } from '../../core/config/config.ts';
import { PRODUCTION_ENV } from '../harness/productionEnv.ts';
import { tempPostgresStore, tempSqliteStore, type TempStore } from '../harness/tempDatabase.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function tessera(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { env, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

function envOf(store: StoreConfig): NodeJS.ProcessEnv {
  return store.kind === 'sqlite' ? { TESSERA_DATA_DIR: store.dataDir } : { TESSERA_DATABASE_URL: store.url };
}

/** Rows of a few tables, and whether the marker table the test added still exists. */
async function holdings(store: StoreConfig): Promise<{ accounts: number; projects: number; entities: number; marker: boolean }> {
  const systems = await openAllSystems(store);
  try {
    const count = async (db: typeof systems.crm.db | typeof systems.psa.db | typeof systems.erp.db, table: string) =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
    const marker = await sql`select 1 from reseed_marker`.execute(systems.crm.db).then(
      () => true,
      () => false,
    );
    return {
      accounts: await count(systems.crm.db, 'accounts'),
      projects: await count(systems.psa.db, 'projects'),
      entities: await count(systems.erp.db, 'legal_entities'),
      marker,
    };
  } finally {
    await systems.close();
  }
}

const PROGRESS = [
  /^generated (\d[\d,]*) rows in \d+\.\d s$/,
  /^(crm|psa|erp): inserted (\d[\d,]*) rows into (\d+) tables in \d+\.\d s$/,
  /^done: (\d[\d,]*) rows in \d+\.\d s$/,
];
const number = (text: string) => Number(text.replaceAll(',', ''));

/** Checks the progress lines of a seed and gives back the row count they report. */
function checkProgress(stderr: string, first: string): number {
  const lines = stderr.trimEnd().split('\n');
  expect(lines.every((line) => line.startsWith('tessera seed: '))).toBe(true);
  const [head, generated, ...rest] = lines.map((line) => line.slice('tessera seed: '.length));
  const done = rest.pop()!;
  expect(head).toBe(first);
  const total = number(PROGRESS[0]!.exec(generated!)![1]!);
  const systems = rest.map((line) => PROGRESS[1]!.exec(line)!);
  expect(systems.map((match) => match[1]).sort()).toEqual(['crm', 'erp', 'psa']);
  expect(systems.every((match) => number(match[3]!) > 0)).toBe(true);
  expect(systems.reduce((sum, match) => sum + number(match[2]!), 0)).toBe(total);
  expect(number(PROGRESS[2]!.exec(done)![1]!)).toBe(total);
  return total;
}

function seedSuite(kind: string, makeStore: () => Promise<TempStore>) {
  describe(`tessera seed on ${kind}`, () => {
    let temp: TempStore;
    let env: NodeJS.ProcessEnv;
    let where: string;
    let seeded: Awaited<ReturnType<typeof holdings>>;

    beforeAll(async () => {
      temp = await makeStore();
      env = { ...envOf(temp.store), TESSERA_LOG_LEVEL: 'error' };
      where =
        temp.store.kind === 'sqlite' ? temp.store.dataDir : `postgres://${new URL(temp.store.url).host}${new URL(temp.store.url).pathname}`;
    }, 60_000);
    afterAll(() => temp?.remove());

    it('seeds empty systems, one progress line per phase with its counts', async () => {
      const run = await tessera(['seed', '--scale', 's'], env);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: '' });
      const total = checkProgress(run.stderr, `seeding scale s into ${where}`);
      expect(total).toBeGreaterThan(1000);
      seeded = await holdings(temp.store);
      expect(seeded.accounts).toBeGreaterThan(0);
      expect(seeded.projects).toBeGreaterThan(0);
      expect(seeded.entities).toBeGreaterThan(0);
    }, 120_000);

    it('over existing data: says so, writes nothing, exits 1', async () => {
      const run = await tessera(['seed', '--quiet'], env);
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr:
          `tessera seed: the reference systems in ${where} already hold data: nothing was written. ` +
          '`tessera seed --reseed` (npm run seed -- --reseed) deletes every record of every system and seeds again.\n',
      });
      expect(await holdings(temp.store)).toEqual(seeded);
    }, 60_000);

    it('--reseed drops every table (one the test added too) and seeds the same data again', async () => {
      const systems = await openAllSystems(temp.store);
      try {
        await sql`create table reseed_marker (id integer)`.execute(systems.crm.db);
      } finally {
        await systems.close();
      }
      expect((await holdings(temp.store)).marker).toBe(true);
      const run = await tessera(['seed', '--reseed'], env);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: '' });
      checkProgress(run.stderr, `emptying every reference system, then seeding scale s into ${where}`);
      expect(await holdings(temp.store)).toEqual({ ...seeded, marker: false });
    }, 120_000);

    it('--quiet prints nothing on success', async () => {
      expect(await tessera(['seed', '--reseed', '--quiet'], env)).toEqual({ code: 0, stdout: '', stderr: '' });
    }, 120_000);
  });
}

seedSuite('SQLite', async () => tempSqliteStore());
const postgresUrl = testPostgresUrl();
if (postgresUrl) seedSuite('PostgreSQL', () => tempPostgresStore(postgresUrl));
else describe.skip('tessera seed on PostgreSQL (needs TESSERA_TEST_POSTGRES_URL)', () => it('skipped', () => {}));

describe('tessera seed in production', () => {
  // The data folder is never opened: the refusal comes first.
  const PRODUCTION = { ...PRODUCTION_ENV, TESSERA_DATA_DIR: '/nonexistent/tessera' };

  it('refuses to invent records unless TESSERA_SEED_SCALE is set, and refuses --reseed always', async () => {
    expect(await tessera(['seed', '--quiet'], PRODUCTION)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tessera seed: TESSERA_ENV=production seeds no invented demo records unless TESSERA_SEED_SCALE is set (s, m or l)\n',
    });
    expect(await tessera(['seed', '--quiet', '--reseed'], { ...PRODUCTION, TESSERA_SEED_SCALE: 's' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tessera seed: --reseed deletes every record of every reference system: TESSERA_ENV=production refuses it\n',
    });
  });
});
