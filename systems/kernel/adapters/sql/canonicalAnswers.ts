/**
 * A data migration of the answers a system stored under idempotency keys (`idempotency_records.response_json`,
 * a `CapabilityOutcome`) while its capabilities answered with their SQL rows: every row-shaped record a result key
 * holds is rewritten into the canonical record the capability answers with now, through the system's one
 * row-to-record mapping, so that replaying an old key answers as a fresh call would (docs/capabilities.md).
 *
 * Canonical records and rejections are left as they are, so running it again changes nothing. Reads and writes
 * go in batches (keyset on the record id), on SQLite and PostgreSQL alike.
 */
import type { Kysely, Migration } from 'kysely';

/** Maps one row of the previous answers to its canonical record (a system's `...Of` from its rows.ts). */
// `never`: every mapper, whatever its row type, is one of these; the migration only hands it a stored row.
export type RowMapping = (row: never) => unknown;

/**
 * What a system's capabilities answer, by capability name (`crm.closeWinOpportunity`): the result keys that
 * hold records (one, a list, or null) and the mapping of their rows. Keys not named are kept as stored.
 */
export type AnswerRecords = Readonly<Record<string, Readonly<Record<string, RowMapping>>>>;

/** The columns the migration reads and writes (the table is the kernel's `idempotency_records`). */
interface StoredAnswers {
  readonly idempotency_records: { readonly id: string; readonly capability: string; readonly status: string; response_json: string };
}

const BATCH = 200;

export function canonicalAnswersMigration(records: AnswerRecords): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<StoredAnswers>;
      const capabilities = Object.keys(records);
      let after = '';
      for (;;) {
        const batch = await db
          .selectFrom('idempotency_records')
          .select(['id', 'capability', 'response_json'])
          .where('status', '=', 'COMPLETED')
          .where('capability', 'in', capabilities)
          .where('id', '>', after)
          .orderBy('id')
          .limit(BATCH)
          .execute();
        const rewritten = batch.flatMap((record) => {
          const json = canonicalAnswer(record.response_json, records[record.capability] ?? {});
          return json === null ? [] : [{ id: record.id, json }];
        });
        // One transaction per batch on SQLite (its migrations run outside one); PostgreSQL's migration is one already.
        const write = async (trx: Kysely<StoredAnswers>) => {
          for (const { id, json } of rewritten)
            await trx.updateTable('idempotency_records').set({ response_json: json }).where('id', '=', id).execute();
        };
        if (rewritten.length > 0) await (db.isTransaction ? write(db) : db.transaction().execute(write));
        if (batch.length < BATCH) return;
        after = batch.at(-1)!.id;
      }
    },
  };
}

/** The canonical form of a stored answer, or null when it holds no row (a rejection, or canonical already). */
export function canonicalAnswer(json: string, keys: Readonly<Record<string, RowMapping>>): string | null {
  const outcome = JSON.parse(json) as { ok?: unknown; value?: unknown };
  if (outcome.ok !== true || !isRecord(outcome.value)) return null;
  const value: Record<string, unknown> = { ...outcome.value };
  let changed = false;
  for (const [key, mapping] of Object.entries(keys)) {
    const held = value[key];
    const records = Array.isArray(held) ? held : [held];
    if (!records.some(isRow)) continue;
    const canonical = records.map((record) => (isRow(record) ? (mapping as (row: unknown) => unknown)(record) : record));
    value[key] = Array.isArray(held) ? canonical : canonical[0];
    changed = true;
  }
  return changed ? JSON.stringify({ ...outcome, value }) : null;
}

/** A row names its columns in snake_case (`aggregate_version`, `legal_entity_id`); no canonical record has such a key. */
function isRow(record: unknown): record is Record<string, unknown> {
  return isRecord(record) && Object.keys(record).some((key) => key.includes('_'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
