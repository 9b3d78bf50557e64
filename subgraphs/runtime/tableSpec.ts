/**
 * A table is declared once, as data: the migration that creates it and the TypeScript row type
 * that Kysely checks queries against are both derived from the same spec, so they cannot drift.
 *
 * Conventions that keep the SQL portable between SQLite and PostgreSQL:
 * dates and instants are ISO text; booleans are integers 0/1; amounts are e4-scaled bigints.
 */
import type { Kysely, Migration } from 'kysely';

type SqlType = 'text' | 'integer' | 'bigint';

export interface ColumnSpec {
  readonly type: SqlType;
  readonly nullable?: boolean;
  readonly primaryKey?: boolean;
  /** `table.column` this column references. */
  readonly references?: string;
}

export interface TableSpec {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly indexes?: readonly (readonly string[])[];
  readonly unique?: readonly (readonly string[])[];
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
} as const satisfies Record<string, ColumnSpec | ((table: string) => ColumnSpec)>;

type ValueOf<C extends ColumnSpec> = C['type'] extends 'text' ? string : number;
export type RowOf<T extends TableSpec> = {
  -readonly [K in keyof T['columns']]: T['columns'][K] extends { nullable: true }
    ? ValueOf<T['columns'][K]> | null
    : ValueOf<T['columns'][K]>;
};
export type TablesOf<S extends Readonly<Record<string, TableSpec>>> = { -readonly [K in keyof S]: RowOf<S[K]> };

/** A migration that creates every table of `spec`, in declaration order, with its indexes. */
export function createTablesMigration(spec: Readonly<Record<string, TableSpec>>): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const [table, definition] of Object.entries(spec)) {
        let builder = db.schema.createTable(table);
        for (const [name, col] of Object.entries(definition.columns)) {
          builder = builder.addColumn(name, col.type, (c) => {
            let out = col.primaryKey ? c.primaryKey() : c;
            if (!col.nullable && !col.primaryKey) out = out.notNull();
            if (col.references) out = out.references(col.references);
            return out;
          });
        }
        for (const columns of definition.unique ?? []) {
          builder = builder.addUniqueConstraint(`${table}_${columns.join('_')}_uq`, [...columns] as never[]);
        }
        await builder.execute();
        for (const columns of definition.indexes ?? []) {
          await db.schema.createIndex(`${table}_${columns.join('_')}_idx`).on(table).columns([...columns]).execute();
        }
      }
    },
  };
}
