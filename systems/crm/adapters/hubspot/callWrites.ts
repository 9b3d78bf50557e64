/**
 * The writes of one attempt of one capability call on HubSpot (docs/connectors.md#hubspot), the
 * rules the kernel's in-memory remote adapter follows (systems/kernel/adapters/memory/callHistory.ts)
 * kept in properties of the objects themselves:
 *
 * - a create carries the call's external key in the unique `tessera_external_key` and is looked up
 *   by it first; a create whose answer was lost is looked up again at once, and a create refused
 *   409 CONFLICT (another attempt of the call made it meanwhile) is the record that attempt made;
 * - a change records the call's key (`tessera_changed_by`) and the record before it
 *   (`tessera_before`): a resumed call whose change already stands gets that record back;
 * - a versioned change applies only while `tessera_version` is the version the capability read.
 *   HubSpot has no conditional update: the check and the write are serialized per record in this
 *   process (docs/connectors.md#hubspot says what that leaves open between processes).
 */
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { callKeyOf } from '../../../kernel/adapters/memory/callHistory.ts';
import { hubspotCall } from './failures.ts';
import { HubSpotApiError, HubSpotUnreachable } from './http.ts';
import type { HubSpotPortal } from './hubspotReads.ts';
import { KEEPING, type HubSpotObject, type Properties } from './objects.ts';
import type { RecordKind } from './records.ts';
import type { StageMap } from './stageMap.ts';

const locks = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier work on `key` in this process. */
async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  locks.set(key, next);
  try {
    return await next;
  } finally {
    if (locks.get(key) === next) locks.delete(key);
  }
}

export interface Current<T> {
  readonly object: HubSpotObject;
  readonly record: T;
}

export class HubSpotCallWrites {
  readonly callKey: string;

  constructor(
    readonly portal: HubSpotPortal,
    readonly call: RemoteCall,
  ) {
    this.callKey = callKeyOf(call);
  }

  stages(): Promise<StageMap> {
    return this.portal.stages();
  }

  /** The object of `kind` whose `tessera_id` is `id`, with its record, or null. */
  async find<T>(kind: RecordKind<T>, id: string, idProperty: string = KEEPING.id): Promise<Current<T> | null> {
    const stages = await this.stages();
    const [object] = await hubspotCall(() => this.portal.api.batchRead(this.portal.types[kind.type], [id], kind.properties, idProperty));
    return object ? { object, record: kind.of(object, stages) } : null;
  }

  /** Whether this call wrote `object` last. */
  wroteLast(object: HubSpotObject): boolean {
    const p = object.properties;
    return p[KEEPING.changedBy] ? p[KEEPING.changedBy] === this.callKey : p[KEEPING.createdBy] === this.callKey;
  }

  /** The object the call's `operation` created on an earlier attempt, or one created now. */
  async create<T>(kind: RecordKind<T>, operation: string, properties: Properties): Promise<Current<T>> {
    const key = this.call.externalKey(operation);
    const earlier = await this.find(kind, key, KEEPING.externalKey);
    if (earlier) return earlier;
    const type = this.portal.types[kind.type];
    try {
      const created = await this.portal.api.create(type, { ...properties, [KEEPING.externalKey]: key, [KEEPING.createdBy]: this.callKey });
      return { object: created, record: kind.of(withAll(created, properties), await this.stages()) };
    } catch (error) {
      // The create may have committed (its answer lost), or another attempt made it: look it up by its key.
      if (!(error instanceof HubSpotUnreachable || (error instanceof HubSpotApiError && error.status === 409)))
        return hubspotCall(() => Promise.reject(error));
      const made = await this.find(kind, key, KEEPING.externalKey);
      if (made) return made;
      return hubspotCall(() => Promise.reject(error));
    }
  }

  /**
   * The objects the call's `operations` created on earlier attempts, and the others created now in
   * one batch. Inputs HubSpot refused (207) fail the attempt; its retry creates only those.
   */
  async createAll<T>(kind: RecordKind<T>, inputs: readonly { operation: string; properties: Properties }[]): Promise<Current<T>[]> {
    const type = this.portal.types[kind.type];
    const keys = inputs.map((input) => this.call.externalKey(input.operation));
    const stages = await this.stages();
    const found = async () =>
      new Map(
        (
          await hubspotCall(() => this.portal.api.batchRead(type, keys, [...kind.properties, KEEPING.externalKey], KEEPING.externalKey))
        ).map((object) => [object.properties[KEEPING.externalKey]!, object]),
      );
    const earlier = await found();
    const missing = inputs.flatMap((input, index) =>
      earlier.has(keys[index]!) ? [] : [{ ...input.properties, [KEEPING.externalKey]: keys[index]!, [KEEPING.createdBy]: this.callKey }],
    );
    let made: Map<string, HubSpotObject> = earlier;
    if (missing.length > 0) {
      try {
        const { errors } = await this.portal.api.batchCreate(type, missing);
        if (errors.length > 0)
          throw new HubSpotApiError(
            207,
            { ...errors[0]!, message: `${errors.length} of ${missing.length}: ${errors[0]!.message}` },
            `batch create ${type}`,
          );
      } catch (error) {
        if (!(error instanceof HubSpotUnreachable)) return hubspotCall(() => Promise.reject(error));
      }
      // What the batch made (its answer lost or not), read back by key.
      made = await found();
    }
    return inputs.map((input, index) => {
      const object = made.get(keys[index]!);
      if (!object) throw new HubSpotUnreachable(`batch create ${type}`, 'created nothing for some inputs');
      return { object, record: kind.of(object, stages) };
    });
  }

  /** `current` changed to `next` once per call; `version`: the aggregate version to write (none: unversioned). */
  async change<T>(kind: RecordKind<T>, current: Current<T>, properties: Properties): Promise<T> {
    if (current.object.properties[KEEPING.changedBy] === this.callKey) return current.record;
    const sent = { ...properties, [KEEPING.changedBy]: this.callKey, [KEEPING.before]: JSON.stringify(current.record) };
    const updated = await hubspotCall(() => this.portal.api.update(this.portal.types[kind.type], current.object.id, sent));
    return kind.of(withAll(updated, { ...current.object.properties, ...sent }), await this.stages());
  }

  /**
   * The versioned transition of record `id` from `aggregateVersion` to the next, once per call:
   * `apply` gives the properties of the new state from the current record.
   */
  transition<T extends { readonly aggregateVersion: number }>(
    kind: RecordKind<T>,
    id: string,
    aggregateVersion: number,
    apply: (current: T) => Properties,
    conflict: () => Error,
  ): Promise<T> {
    return serialized(`${kind.type}/${id}`, async () => {
      const current = await this.find(kind, id);
      if (!current) throw conflict();
      if (current.object.properties[KEEPING.changedBy] === this.callKey) return current.record;
      if (current.record.aggregateVersion !== aggregateVersion) throw conflict();
      return this.change(kind, current, { ...apply(current.record), [KEEPING.version]: String(aggregateVersion + 1) });
    });
  }
}

/** An answer's object with every property the write knows it holds (HubSpot answers only some). */
function withAll(object: HubSpotObject, properties: Properties): HubSpotObject {
  return { ...object, properties: { ...properties, ...object.properties } };
}
