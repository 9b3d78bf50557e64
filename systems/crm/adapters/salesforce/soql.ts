/**
 * SOQL reads (docs/connectors.md#reads): `query` and then `queryMore` through each answer's
 * `nextRecordsUrl` until `done` (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm),
 * and lookups by many ids split into `IN` lists that keep each request's URL under the limit
 * Salesforce accepts (16,384 characters for a GET; we stay under 16,000 with the rest of the query).
 */
import type { VendorHttp } from '../../../kernel/connectors/vendorHttp.ts';
import type { SfRecord } from './fieldCodecs.ts';

/** The URL length a query's `IN` list is sized for. */
export const MAX_QUERY_URL = 16_000;

interface QueryAnswer {
  readonly done: boolean;
  readonly records: SfRecord[];
  readonly nextRecordsUrl?: string;
}

/** A SOQL string literal: backslash and quote escaped. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A LIKE pattern matching `needle` anywhere (case-insensitive, as SOQL's LIKE is), its own `%` and `_` taken literally. */
export function containsPattern(needle: string): string {
  const escaped = needle
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/[%_]/g, (c) => `\\${c}`);
  return `'%${escaped}%'`;
}

export interface Soql {
  /** Every record the query answers, page after page. */
  all(soql: string, signal?: AbortSignal): Promise<SfRecord[]>;
  /**
   * Every record of `build(condition)` for `values`, in as many queries as the URL limit needs,
   * `condition` being `<field> IN (...)` over one slice of them. No values: no query.
   */
  allIn(values: readonly string[], build: (inList: string) => string, signal?: AbortSignal): Promise<SfRecord[]>;
  /** The answer of a `SELECT COUNT() FROM ...` query: its `totalSize` (no records come back). */
  count(soql: string, signal?: AbortSignal): Promise<number>;
}

export function createSoql(http: VendorHttp, apiVersion: string): Soql {
  const path = `/services/data/${apiVersion}/query`;
  const all: Soql['all'] = async (soql, signal) => {
    const records: SfRecord[] = [];
    let answer = (await http.send({ method: 'GET', path, query: { q: soql }, idempotent: true, operation: 'query', signal }))
      .body as QueryAnswer;
    records.push(...answer.records);
    while (!answer.done && answer.nextRecordsUrl) {
      answer = (await http.send({ method: 'GET', path: answer.nextRecordsUrl, idempotent: true, operation: 'queryMore', signal }))
        .body as QueryAnswer;
      records.push(...answer.records);
    }
    return records;
  };
  return {
    all,
    async count(soql, signal) {
      const answer = await http.send({ method: 'GET', path, query: { q: soql }, idempotent: true, operation: 'query', signal });
      return (answer.body as { totalSize: number }).totalSize;
    },
    async allIn(values, build, signal) {
      const unique = [...new Set(values)];
      if (unique.length === 0) return [];
      // What the query costs in the URL without its list, encoded as the client will send it.
      const fixed = encodeURIComponent(build('')).length + path.length + 200;
      const records: SfRecord[] = [];
      let slice: string[] = [];
      let length = fixed;
      const flush = async () => {
        if (slice.length === 0) return;
        records.push(...(await all(build(slice.join(',')), signal)));
        slice = [];
        length = fixed;
      };
      for (const value of unique) {
        const quoted = literal(value);
        const cost = encodeURIComponent(`${quoted},`).length;
        if (length + cost > MAX_QUERY_URL) await flush();
        slice.push(quoted);
        length += cost;
      }
      await flush();
      return records;
    },
  };
}
