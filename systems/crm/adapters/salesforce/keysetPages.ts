/**
 * The read port's pages read at the org (docs/connectors.md#paging-at-the-vendor): `first + 1`
 * records after the cursor in canonical id order, asked of Salesforce with keyset SOQL
 * (`ORDER BY <key>, Id`, `WHERE (<key> > :last OR (<key> = :last AND Id > :lastId))`, `LIMIT`), and
 * `SELECT COUNT()` only when the page asks for its total. The cursor stays the port's: the last
 * canonical id.
 *
 * A canonical id is the External ID field's value, or `<prefix>sf_<Salesforce id>` for a record
 * Tessera never wrote (fieldCodecs.ts). In id order these make three runs, each one keyset query:
 * the External IDs below `<prefix>sf_`, the records without one (by `Id`), the External IDs above it
 * (no External ID starts with `<prefix>sf_`: nativeIdOf would read it as a Salesforce id). Text
 * orders case-insensitively in SOQL; canonical ids are lower case after their prefix (newId.ts,
 * the seed, adoptedId), which the upper-cased order keeps.
 */
import type { Page, PageRequest } from '../../../kernel/pagination.ts';
import { at, type SfRecord } from './fieldCodecs.ts';
import type { ObjectMap } from './objectMaps.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { literal } from './soql.ts';

export interface PageQuery<T> {
  readonly map: ObjectMap<T & { id: string }>;
  /** The scope and the filters, ANDed; null when the scope sees none of the object's records. */
  readonly where: readonly string[] | null;
  /** The canonical record of a query record as the caller sees it, or null (hidden, not there yet for the call). */
  readonly accept: (record: SfRecord) => T | null;
}

/** Where a run resumes: after a key (and, within a run, after a record id among equal keys). */
interface Resume {
  readonly key: string;
  readonly id?: string;
}

interface Run {
  readonly where: readonly string[];
  readonly orderBy: string;
  /** The condition of the records after `from`. */
  after(from: Resume): string;
  /** Where the run resumes after `record`. */
  resumeAt(record: SfRecord): Resume;
  /** Where the run starts for the cursor, or undefined when no record of it is after the cursor. */
  readonly start: Resume | null | undefined;
}

export async function pageAtOrg<T extends { id: string }>(org: SalesforceOrg, query: PageQuery<T>, page: PageRequest): Promise<Page<T>> {
  const { map, where } = query;
  if (where === null) return { rows: [], total: page.countTotal === false ? null : 0 };
  const rows: T[] = [];
  const wanted = page.first === 0 ? 0 : page.first + 1;
  for (const run of wanted === 0 ? [] : runsAfter(org.idField, map.prefix, page.afterId)) {
    let from = run.start;
    if (from === undefined) continue;
    for (;;) {
      const limit = wanted - rows.length;
      const conditions = [...where, ...run.where, ...(from ? [run.after(from)] : [])];
      const records = await org.soql.all(
        `SELECT ${map.select.join(', ')} FROM ${map.object}${whereClause(conditions)} ORDER BY ${run.orderBy} LIMIT ${limit}`,
      );
      for (const record of records) {
        const seen = query.accept(record);
        if (seen !== null) rows.push(seen);
      }
      // A record the caller may not see was left out: read on from the last one read.
      if (rows.length >= wanted || records.length < limit) break;
      from = run.resumeAt(records.at(-1)!);
    }
    if (rows.length >= wanted) break;
  }
  const total = page.countTotal === false ? null : await org.soql.count(`SELECT COUNT() FROM ${map.object}${whereClause(where)}`);
  return { rows, total };
}

/** The runs of records after the canonical id `afterId` (null: from the start), in id order. */
function runsAfter(field: string, prefix: string, afterId: string | null): Run[] {
  const native = `${prefix}sf_`;
  const byKey = (bounds: readonly string[], start: Resume | null | undefined): Run => ({
    where: bounds,
    orderBy: `${field}, Id`,
    after: (from) =>
      from.id === undefined
        ? `${field} > ${literal(from.key)}`
        : `${field} > ${literal(from.key)} OR (${field} = ${literal(from.key)} AND Id > ${literal(from.id)})`,
    resumeAt: (record) => ({ key: String(at(record, field)), id: String(at(record, 'Id')) }),
    start,
  });
  const below = byKey(
    [`${field} != null`, `${field} < ${literal(native)}`],
    afterId === null ? null : afterId < native ? { key: afterId } : undefined,
  );
  // The records without an External ID tie on it (null): they follow one another by Id.
  const without: Run = {
    where: [`${field} = null`],
    orderBy: 'Id',
    after: (from) => `Id > ${literal(from.key)}`,
    resumeAt: (record) => ({ key: String(at(record, 'Id')) }),
    start: afterId === null || afterId < native ? null : afterId.startsWith(native) ? { key: afterId.slice(native.length) } : undefined,
  };
  const above = byKey(
    [`${field} > ${literal(native)}`],
    afterId === null || afterId < native || afterId.startsWith(native) ? null : { key: afterId },
  );
  return [below, without, above];
}

/** ` WHERE (a) AND (b)`, or nothing for no conditions. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length ? ` WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}` : '';
}
