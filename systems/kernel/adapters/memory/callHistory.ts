/**
 * Records with their call history, written once for every in-memory remote adapter: a vendor
 * record holds the canonical record and what a capability call needs to resume without repeating
 * itself: which call created it, which call changed it last and what it was before that change,
 * which call removed it. Two consequences, the same in every system:
 *
 * - a call's reads (`beforeCallView`) show the records as they were before that call wrote
 *   anything, so an attempt resumed after a lost answer checks its rules against the same state
 *   as its first attempt;
 * - a call's change (`CallWrites.change`) is made once: a resumed call whose change already stands
 *   gets that record back instead of changing it twice.
 */
import type { RemoteCall } from '../../capability/adapter.ts';
import { createOnce, vendorCall } from './remoteWrites.ts';
import { VendorVersionMismatch, type InMemoryVendor, type VendorRecord } from './vendor.ts';

interface Versioned {
  readonly aggregateVersion: number;
}

/** The vendor fields of a record kept with its call history. */
export type Stored<T> = {
  readonly record: T;
  /** The call key of the capability call that created it (null: loaded, not created by a call). */
  readonly createdBy: string | null;
  /** The call key of the capability call that changed it last, and the record before that change. */
  readonly changedBy: string | null;
  readonly before: T | null;
  /** The call key of the capability call that removed it (a replaced record), or null. */
  readonly removedBy: string | null;
};

export function stored<T>(record: T, createdBy: string | null = null): Stored<T> {
  return { record, createdBy, changedBy: null, before: null, removedBy: null };
}

/** What one vendor record reads as (null: absent). */
export type View = <T>(record: VendorRecord<Stored<T>>) => T | null;

export const currentView: View = (record) => (record.fields.removedBy !== null ? null : record.fields.record);

/** The records as they were before the call with `callKey` wrote anything. */
export function beforeCallView(callKey: string): View {
  return (record) => {
    const fields = record.fields;
    if (fields.createdBy === callKey) return null;
    if (fields.removedBy !== null && fields.removedBy !== callKey) return null;
    return fields.changedBy === callKey ? fields.before : fields.record;
  };
}

/** The key that marks what a call created, changed or removed: the same on every attempt of the call. */
export function callKeyOf(call: RemoteCall): string {
  return call.externalKey('call');
}

/** Every record of `type` as `view` shows it, in the vendor's (id) order. */
export async function viewed<T>(vendor: InMemoryVendor, system: string, type: string, view: View = currentView): Promise<T[]> {
  const records = await vendorCall(system, type, () => vendor.query<Stored<T>>(type));
  return records.flatMap((record) => {
    const seen = view(record);
    return seen === null ? [] : [seen];
  });
}

/** The writes of one attempt of one capability call of `system`, each marked with the call's key. */
export class CallWrites {
  readonly callKey: string;

  constructor(
    readonly vendor: InMemoryVendor,
    readonly system: string,
    readonly call: RemoteCall,
  ) {
    this.callKey = callKeyOf(call);
  }

  /** The vendor records of `type` whose record matches `where`, with their history. */
  find<T>(type: string, where: (record: T) => boolean): Promise<VendorRecord<Stored<T>>[]> {
    return vendorCall(this.system, type, () => this.vendor.query<Stored<T>>(type, (record) => where(record.fields.record)));
  }

  /** The record the call's `operation` created on an earlier attempt, if any. */
  async created<T>(type: string, operation: string): Promise<T | null> {
    const earlier = await vendorCall(this.system, type, () =>
      this.vendor.findByExternalId<Stored<T>>(type, this.call.externalKey(operation)),
    );
    return earlier ? earlier.fields.record : null;
  }

  /** Whether this call wrote `record` last (created it and nobody changed it since, or changed it last). */
  wroteLast(record: VendorRecord<Stored<unknown>>): boolean {
    return record.fields.changedBy === null ? record.fields.createdBy === this.callKey : record.fields.changedBy === this.callKey;
  }

  /** The record the call's `operation` created on an earlier attempt, or a new one created now. */
  async create<T>(type: string, operation: string, record: T): Promise<T> {
    return (await createOnce(this.vendor, this.system, type, this.call.externalKey(operation), stored(record, this.callKey))).fields.record;
  }

  /**
   * `current` changed to `apply(current)` once per call (no version of its own moves): an earlier
   * attempt's change is the answer. `conflict`: what a record that moved meanwhile is refused with.
   */
  async change<T>(type: string, current: VendorRecord<Stored<T>>, apply: (record: T) => T, conflict: () => Error): Promise<T> {
    if (current.fields.changedBy === this.callKey) return current.fields.record;
    const next = apply(current.fields.record);
    const updated = await vendorCall(this.system, type, async () => {
      try {
        return await this.vendor.update<Stored<T>>(
          type,
          current.id,
          { record: next, changedBy: this.callKey, before: current.fields.record },
          current.version,
        );
      } catch (error) {
        if (error instanceof VendorVersionMismatch) throw conflict();
        throw error;
      }
    });
    return updated.fields.record;
  }

  /** A versioned transition of `current` from `aggregateVersion` (the version the capability read) to the next, once per call. */
  async transition<T extends Versioned>(
    type: string,
    current: VendorRecord<Stored<T>>,
    aggregateVersion: number,
    apply: (record: T) => T,
    conflict: () => Error,
  ): Promise<T> {
    // An earlier attempt of this call already made the change: its result is the answer.
    if (current.fields.changedBy === this.callKey) return current.fields.record;
    if (current.fields.record.aggregateVersion !== aggregateVersion) throw conflict();
    return this.change(type, current, (record) => ({ ...apply(record), aggregateVersion: aggregateVersion + 1 }), conflict);
  }

  /** Marks `record` removed by this call (once). */
  async remove(type: string, record: VendorRecord<Stored<unknown>>): Promise<void> {
    if (record.fields.removedBy !== null) return;
    await vendorCall(this.system, type, () =>
      this.vendor.update<Stored<unknown>>(type, record.id, { removedBy: this.callKey }, record.version),
    );
  }
}
