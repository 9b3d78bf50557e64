/**
 * A table is declared once, as data: the migration that creates it and the TypeScript row type
 * that Kysely checks queries against are both derived from the same spec, so they cannot drift.
 *
 * Conventions that keep the SQL portable between SQLite and PostgreSQL:
 * dates and instants are ISO text; booleans are integers 0/1; amounts are e4-scaled bigints.
 */
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

type SqlType = 'text' | 'integer' | 'bigint';

export interface ColumnSpec {
  readonly type: SqlType;
  readonly nullable?: boolean;
  readonly primaryKey?: boolean;
  /** `table.column` this column references. */
  readonly references?: string;
  /** The value rows that existed before the column get (required for a NOT NULL column added later). */
  readonly default?: number | string;
  /** The migration (1 = the system's first) that adds the column to an existing table. @default the table's */
  readonly since?: number;
}

/** An index added to an existing table by migration `since` (a plain column list is created with its table). */
export interface LaterIndexSpec {
  readonly columns: readonly string[];
  readonly since: number;
}

export interface TableSpec {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly indexes?: readonly (readonly string[] | LaterIndexSpec)[];
  readonly unique?: readonly (readonly string[])[];
  /** The migration that creates the table. @default 1 */
  readonly since?: number;
}

export const column = {
  id: { type: 'text', primaryKey: true },
  text: { type: 'text' },
  optionalText: { type: 'text', nullable: true },
  int: { type: 'integer' },
  optionalInt: { type: 'integer', nullable: true },
  big: { type: 'bigint' },
  optionalBig: { type: 'bigint', nullable: true },
  /** A foreign key to `table.id` inside the same system. */
  ref: <const T extends string>(table: T) => ({ type: 'text', references: `${table}.id` }) as const,
  optionalRef: <const T extends string>(table: T) => ({ type: 'text', references: `${table}.id`, nullable: true }) as const,
  /**
   * The aggregate's optimistic-concurrency version (`expectedVersion` is compared with it; every
   * transition increments it). Added by migration `since` to tables that predate capabilities.
   */
  aggregateVersion: <const N extends number>(since: N) => ({ type: 'integer', default: 1, since }) as const,
  /** `spec`, added to an existing table by migration `since`. */
  later: <const C extends ColumnSpec, const N extends number>(since: N, spec: C) => ({ ...spec, since }) as const,
} as const satisfies Record<string, ColumnSpec | ((...args: never[]) => ColumnSpec)>;

type ValueOf<C extends ColumnSpec> = C['type'] extends 'text' ? string : number;
export type RowOf<T extends TableSpec> = {
  -readonly [K in keyof T['columns']]: T['columns'][K] extends { nullable: true }
    ? ValueOf<T['columns'][K]> | null
    : ValueOf<T['columns'][K]>;
};
export type TablesOf<S extends Readonly<Record<string, TableSpec>>> = { -readonly [K in keyof S]: RowOf<S[K]> };

/** The columns a later migration added to an existing table: rows written before it may omit them. */
type LaterColumns<T extends TableSpec> = {
  [K in keyof T['columns']]: T['columns'][K] extends { since: number } ? K : never;
}[keyof T['columns']];
/** A row of the first migration's shape: the later columns are optional (their default or null). */
export type FirstRowOf<T extends TableSpec> = Omit<RowOf<T>, LaterColumns<T>> & Partial<Pick<RowOf<T>, LaterColumns<T>>>;
/** The tables of the first migration (tables created later are left out), with first-shape rows. */
export type FirstTablesOf<S extends Readonly<Record<string, TableSpec>>> = {
  -readonly [K in keyof S as S[K] extends { since: number } ? never : K]: FirstRowOf<S[K]>;
};

/**
 * The migration number `step` of `spec`: it creates the tables whose `since` is `step` (with the
 * columns they have by then), in declaration order, with their indexes, and adds to older tables
 * the columns whose `since` is `step`. Step 1 is the system's first migration.
 */
export function createTablesMigration(spec: Readonly<Record<string, TableSpec>>, step = 1): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const [table, definition] of Object.entries(spec)) {
        const tableSince = definition.since ?? 1;
        if (tableSince < step) {
          for (const [name, col] of Object.entries(definition.columns)) {
            if (col.since === step)
              await db.schema
                .alterTable(table)
                .addColumn(name, col.type, (c) => columnConstraints(c, col))
                .execute();
          }
          for (const index of definition.indexes ?? []) {
            if ('since' in index && index.since === step) await createIndex(db, table, index.columns);
          }
          continue;
        }
        if (tableSince !== step) continue;
        let builder = db.schema.createTable(table);
        for (const [name, col] of Object.entries(definition.columns)) {
          if ((col.since ?? tableSince) > step) continue;
          builder = builder.addColumn(name, col.type, (c) => columnConstraints(c, col));
        }
        for (const columns of definition.unique ?? []) {
          builder = builder.addUniqueConstraint(`${table}_${columns.join('_')}_uq`, [...columns] as never[]);
        }
        await builder.execute();
        for (const index of definition.indexes ?? []) {
          if (!('since' in index)) await createIndex(db, table, index);
          else if (index.since <= step) await createIndex(db, table, index.columns);
        }
      }
    },
  };
}

async function createIndex(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void> {
  await db.schema
    .createIndex(`${table}_${columns.join('_')}_idx`)
    .on(table)
    .columns([...columns])
    .execute();
}

function columnConstraints(c: ColumnDefinitionBuilder, col: ColumnSpec): ColumnDefinitionBuilder {
  let out = col.primaryKey ? c.primaryKey() : c;
  if (!col.nullable && !col.primaryKey) out = out.notNull();
  if (col.default !== undefined) out = out.defaultTo(col.default);
  if (col.references) out = out.references(col.references);
  return out;
}
