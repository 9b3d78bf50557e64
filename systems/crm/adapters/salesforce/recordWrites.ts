/**
 * The writes of one attempt of one capability call on Salesforce (docs/connectors.md#versions-and-exactly-once-writes),
 * the two rules every remote adapter follows (systems/kernel/capability/adapter.ts):
 * - a create is an upsert by the External ID field (`PATCH /sobjects/Opportunity/Tessera_Id__c/opp_...`),
 *   carrying the call's external key in `Tessera_Call_Key__c` (unique); before it, the record that
 *   key names is looked up, so an attempt resuming a call whose answer was lost finds what the
 *   earlier attempt created (and its id) instead of creating a second record;
 * - a change is made once per call and per version: the record is read, its `Tessera_Version__c`
 *   compared with the version the capability read (VERSION_CONFLICT when it moved), and the patch
 *   writes the next version, the call's key (`Tessera_Last_Call__c`) and the record before it
 *   (`Tessera_Before__c`); a resumed call that finds its own key there answers that record.
 * Both requests are safe to repeat (same URL, same values), so the connector retries them on a
 * lost answer too.
 */
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import type { VendorResponse } from '../../../kernel/connectors/vendorHttp.ts';
import type { SourceRef } from '../../ports/types.ts';
import { callKeyOf } from './callView.ts';
import { at, nativeIdOf, type SfRecord } from './fieldCodecs.ts';
import { BOOKKEEPING, OWN_SOURCE, type ObjectMap } from './objectMaps.ts';
import { errorCodes } from './salesforceDialect.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { literal } from './soql.ts';

interface Versioned {
  readonly id: string;
  readonly aggregateVersion: number;
}

export class SalesforceCallWrites {
  readonly callKey: string;
  readonly #stem: string;

  constructor(
    readonly org: SalesforceOrg,
    readonly call: RemoteCall,
  ) {
    this.callKey = callKeyOf(call);
    this.#stem = this.callKey.slice(0, this.callKey.lastIndexOf(':') + 1);
  }

  /** The query record of `map` with Tessera's id `id`, or null. */
  async find<T extends { id: string }>(map: ObjectMap<T>, id: string): Promise<SfRecord | null> {
    const native = nativeIdOf(map.prefix, id);
    const where = native ? `Id = ${literal(native)}` : `${this.org.idField} = ${literal(id)}`;
    const [record] = await this.org.soql.all(`SELECT ${map.select.join(', ')} FROM ${map.object} WHERE ${where} LIMIT 1`);
    return record ?? null;
  }

  /** The query record the call's `operation` created on an earlier attempt, or null. */
  async created<T extends { id: string }>(map: ObjectMap<T>, operation: string): Promise<SfRecord | null> {
    const key = this.call.externalKey(operation);
    const [record] = await this.org.soql.all(
      `SELECT ${map.select.join(', ')} FROM ${map.object} WHERE ${BOOKKEEPING.callKey} = ${literal(key)} LIMIT 1`,
    );
    return record ?? null;
  }

  /** Whether this call wrote `record` last (created it and nobody changed it since, or changed it last). */
  wroteLast(record: SfRecord): boolean {
    const lastCall = at(record, BOOKKEEPING.lastCall);
    if (lastCall !== null) return lastCall === this.callKey;
    const createdBy = at(record, BOOKKEEPING.callKey);
    return typeof createdBy === 'string' && createdBy.startsWith(this.#stem);
  }

  /** The record the call's `operation` created on an earlier attempt, or `record` created now (upsert by its id). */
  async create<T extends { id: string }>(map: ObjectMap<T>, operation: string, record: T, extra: Record<string, unknown> = {}): Promise<T> {
    return (await this.#upsert(map, operation, record, extra)).record;
  }

  /**
   * `create` for a record Salesforce holds as its own: no `Tessera_Source__c`, so its source is the
   * `Id` Salesforce gives it, on this answer and on every later read (docs/crosswalk.md#canonical-ids-and-external-references).
   */
  async createOwn<T extends { id: string; source: SourceRef }>(
    map: ObjectMap<T>,
    operation: string,
    record: T,
    extra: Record<string, unknown> = {},
  ): Promise<T> {
    const created = await this.#upsert(map, operation, record, { ...extra, ...OWN_SOURCE });
    // An upsert answer without the Id (a 204 of an API version before 46.0): the record the call's key names.
    const id = created.nativeId ?? (await this.created(map, operation))?.Id;
    if (typeof id !== 'string') throw new Error(`Salesforce answered upsert ${map.object} without the record's Id`);
    return { ...created.record, source: { system: 'salesforce', id } };
  }

  /** `create`'s record, and the `Id` Salesforce holds it by (null: its answer did not say). */
  async #upsert<T extends { id: string }>(
    map: ObjectMap<T>,
    operation: string,
    record: T,
    extra: Record<string, unknown>,
  ): Promise<{ record: T; nativeId: string | null }> {
    const earlier = await this.created(map, operation);
    if (earlier) return { record: map.read(earlier), nativeId: String(earlier.Id) };
    const body = { ...map.write(record), ...extra, [BOOKKEEPING.callKey]: this.call.externalKey(operation) };
    const answer = await this.org.http.send({
      method: 'PATCH',
      path: `${this.org.dataPath}/sobjects/${map.object}/${this.org.idField}/${encodeURIComponent(record.id)}`,
      body,
      idempotent: true,
      operation: `upsert ${map.object}`,
    });
    if (answer.status === 400 && errorCodes(answer).includes('DUPLICATE_VALUE')) {
      // Another attempt of the same call created it between our look-up and our upsert.
      const raced = await this.created(map, operation);
      if (raced) return { record: map.read(raced), nativeId: String(raced.Id) };
    }
    expectOk(answer, `upsert ${map.object}`);
    // The upsert answers the record's Id, created or found by its External ID (dome_upsert.htm).
    const id = (answer.body as { id?: unknown } | null)?.id;
    return { record, nativeId: typeof id === 'string' ? id : null };
  }

  /**
   * `current` moved from `version` (what the capability read) to the next version as `apply` says,
   * once per call: an earlier attempt's change is the answer. `conflict`: the refusal of a record that moved.
   */
  async transition<T extends Versioned>(map: ObjectMap<T>, ref: Versioned, apply: (current: T) => T, conflict: () => Error): Promise<T> {
    const raw = await this.find(map, ref.id);
    if (!raw) throw conflict();
    const current = map.read(raw);
    if (at(raw, BOOKKEEPING.lastCall) === this.callKey) return current;
    if (current.aggregateVersion !== ref.aggregateVersion) throw conflict();
    return this.patch(map, raw, current, { ...apply(current), aggregateVersion: ref.aggregateVersion + 1 });
  }

  /** `raw` (whose canonical record is `current`) changed to `next`, marked as this call's change. */
  async patch<T extends { id: string }>(map: ObjectMap<T>, raw: SfRecord, current: T, next: T): Promise<T> {
    const answer = await this.org.http.send({
      method: 'PATCH',
      path: `${this.org.dataPath}/sobjects/${map.object}/${String(raw.Id)}`,
      body: { ...map.write(next), [BOOKKEEPING.lastCall]: this.callKey, [BOOKKEEPING.before]: JSON.stringify(current) },
      idempotent: true,
      operation: `update ${map.object}`,
    });
    expectOk(answer, `update ${map.object}`);
    return next;
  }
}

/** A 2xx answer, or an error naming Salesforce's codes (a mapping or org setup problem, not the caller's). */
export function expectOk(answer: VendorResponse, operation: string): void {
  if (answer.status >= 200 && answer.status < 300) return;
  throw new Error(`Salesforce refused ${operation} (HTTP ${answer.status}): ${errorCodes(answer).join(', ') || 'no error code'}`);
}
