/**
 * Seeds the three reference systems with a generated dataset: each system in one transaction,
 * tables in their spec order (parents before children, so foreign keys hold at every statement).
 * Either a system gets all of its rows or none.
 */
import { SYSTEM_NAMES } from '../systems/systems.ts';
import { sql, type Kysely } from 'kysely';
import { crmTables, type CrmTables } from '../systems/crm/adapters/sql/tables.ts';
import { erpTables, type ErpTables } from '../systems/erp/adapters/sql/tables.ts';
import { psaTables, type PsaTables } from '../systems/psa/adapters/sql/tables.ts';
import type { TableSpec } from '../systems/kernel/tableSpec.ts';
import { DEFAULT_AS_OF, DEFAULT_SEED, generateDataset, type GenerateOptions } from './generate.ts';
import { insertRows, placeholderStyle } from './insertRows.ts';
import type { Dataset } from './model.ts';
import type { SeedScale } from './scales.ts';

/** The open databases of the three reference systems (migrated, empty). */
export interface SeedDatabases {
  readonly crm: Kysely<CrmTables>;
  readonly psa: Kysely<PsaTables>;
  readonly erp: Kysely<ErpTables>;
}

/** One of the three reference systems. */
export type SystemName = keyof SeedDatabases;

/** What a seed run did: rows per system and table, and how long it took. */
export interface SeedSummary {
  readonly scale: SeedScale;
  readonly seed: number;
  readonly asOf: string;
  /** Rows inserted per system and table. */
  readonly rows: { readonly [S in SystemName]: Readonly<Record<string, number>> };
  readonly generateMs: number;
  readonly insertMs: number;
  /** Generation plus insertion. */
  readonly elapsedMs: number;
}

/**
 * What a seed run has done so far (`tessera seed` prints one line each, docs/demo-data.md): the
 * dataset generated, then each system's rows inserted (in the order the systems finish).
 */
export type SeedProgress =
  | { readonly phase: 'generated'; readonly rows: number; readonly ms: number }
  | { readonly phase: 'inserted'; readonly system: SystemName; readonly tables: number; readonly rows: number; readonly ms: number };

const SPECS: { readonly [S in SystemName]: Readonly<Record<string, TableSpec>> } = { crm: crmTables, psa: psaTables, erp: erpTables };
// The systems with demo data (the integration system has none).
const SYSTEMS: readonly SystemName[] = SYSTEM_NAMES.filter((name): name is SystemName => name in SPECS);

/** Generates the dataset for `options` and inserts it into the three (empty) systems. */
export async function seedSystems(
  dbs: SeedDatabases,
  options: GenerateOptions,
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeedSummary> {
  const started = performance.now();
  const dataset = generateDataset(options);
  const generated = performance.now();
  onProgress?.({ phase: 'generated', rows: datasetRows(dataset), ms: Math.round(generated - started) });
  const rows = await insertDataset(dbs, dataset, onProgress);
  const finished = performance.now();
  return {
    scale: options.scale,
    seed: options.seed ?? DEFAULT_SEED,
    asOf: options.asOf ?? DEFAULT_AS_OF,
    rows,
    generateMs: Math.round(generated - started),
    insertMs: Math.round(finished - generated),
    elapsedMs: Math.round(finished - started),
  };
}

/** Inserts a dataset, one transaction per system (the systems in parallel: they are separate stores). */
export async function insertDataset(
  dbs: SeedDatabases,
  dataset: Dataset,
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeedSummary['rows']> {
  const [crm, psa, erp] = await Promise.all(
    SYSTEMS.map(async (system) => {
      const started = performance.now();
      const counts = await insertSystem(dbs[system] as Kysely<unknown>, SPECS[system], dataset[system]);
      const rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
      onProgress?.({ phase: 'inserted', system, tables: Object.keys(counts).length, rows, ms: Math.round(performance.now() - started) });
      return counts;
    }),
  );
  return { crm: crm ?? {}, psa: psa ?? {}, erp: erp ?? {} };
}

async function insertSystem(
  db: Kysely<unknown>,
  spec: Readonly<Record<string, TableSpec>>,
  tables: object,
): Promise<Record<string, number>> {
  const placeholders = placeholderStyle(db);
  const source = tables as Readonly<Record<string, readonly object[]>>;
  return db.transaction().execute(async (trx) => {
    const counts: Record<string, number> = {};
    // The dataset holds the first migration's tables (and a few later ones); the other tables start empty.
    for (const [table, tableSpec] of Object.entries(spec).filter(([name, candidate]) => (candidate.since ?? 1) === 1 || name in source)) {
      counts[table] = await insertRows(trx, placeholders, table, tableSpec, source[table] ?? []);
    }
    return counts;
  });
}

/** Rows of every table of every system in `dataset`. */
function datasetRows(dataset: Dataset): number {
  let rows = 0;
  for (const system of SYSTEMS) {
    for (const table of Object.values(dataset[system] as object) as unknown[]) if (Array.isArray(table)) rows += table.length;
  }
  return rows;
}

/** True when `table` has no rows: lets a runtime seed only stores that are still empty. */
export async function systemIsEmpty<DB>(db: Kysely<DB>, table: string): Promise<boolean> {
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
  return result.rows.length === 0;
}

/** True when every system holds its root records (accounts, roles, legal entities). */
export async function isSeeded(dbs: SeedDatabases): Promise<boolean> {
  const empty = await Promise.all([
    systemIsEmpty(dbs.crm, 'accounts'),
    systemIsEmpty(dbs.psa, 'roles'),
    systemIsEmpty(dbs.erp, 'legal_entities'),
  ]);
  return empty.every((e) => !e);
}
