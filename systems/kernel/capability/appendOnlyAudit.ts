/**
 * Makes `audit_log` append-only in the database itself: an UPDATE or DELETE fails whoever sends
 * it, so no code path (and no API) can rewrite what happened. PostgreSQL and SQLite triggers.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from './engine.ts';

export const APPEND_ONLY_MESSAGE = 'audit_log is append-only';

export const appendOnlyAuditMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if ((await engineOf(db)) === 'postgres') {
      // The function lives in the system's schema (the connection's search_path), like its tables.
      await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
        begin raise exception '${sql.raw(APPEND_ONLY_MESSAGE)}' using errcode = 'P0001'; end $$`.execute(db);
      await sql`create trigger audit_log_no_update before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      await sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
      return;
    }
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, '${sql.raw(APPEND_ONLY_MESSAGE)}'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, '${sql.raw(APPEND_ONLY_MESSAGE)}'); end`.execute(db);
  },
};
