/**
 * How the ERP's in-memory remote adapter talks to the vendor: a failed or timed-out call becomes
 * DOWNSTREAM_UNAVAILABLE (the runner leaves the call open and the client retries with the same
 * key), and every write carries the call's external key, so a retry finds what an earlier attempt
 * wrote instead of writing it twice.
 */
import { tesseraError } from '../../../../core/errors.ts';
import {
  VendorUnavailable,
  VendorVersionMismatch,
  type InMemoryVendor,
  type VendorRecord,
} from '../../../kernel/adapters/memory/vendor.ts';
import type { CapabilityRejected } from '../../../kernel/capability/rejection.ts';

/** The field a vendor record carries for the last write that changed it (a custom field, like `Tessera_Key__c`). */
const LAST_WRITE = 'tesseraLastWrite';
/** The record as it was before the call that last changed it (a custom field holding a snapshot). */
const BEFORE = 'tesseraBefore';

type Fields = Record<string, unknown>;

export async function vendorCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof VendorUnavailable) {
      throw tesseraError(
        'DOWNSTREAM_UNAVAILABLE',
        `The ERP did not answer (${error.operation} ${error.reason}); nothing is recorded as done. Retry with the same key.`,
      );
    }
    throw error;
  }
}

/** The canonical record a vendor record holds (without the adapter's bookkeeping field). */
export function canonical<T>(record: VendorRecord): T {
  const { [LAST_WRITE]: _last, [BEFORE]: _before, ...fields } = record.fields as Fields;
  return fields as T;
}

/**
 * The record as a call whose external keys start with `callKeys` found it before its first write:
 * an attempt resumed after a lost answer checks its rules against what the first attempt saw, not
 * against its own writes. Null: the call created it (it did not exist then).
 */
function asFoundBy<T>(record: VendorRecord, callKeys: string): T | null {
  const fields = record.fields as Fields;
  const last = fields[LAST_WRITE];
  if (typeof last !== 'string' || !last.startsWith(callKeys)) return canonical<T>(record);
  return (fields[BEFORE] as T | undefined) ?? null;
}

export class VendorRecords {
  /**
   * `callKeys`: the prefix of the external keys of the call these records serve (none outside a
   * call); `asFound`: reads show the records as that call first found them (see `asFoundBy`).
   */
  constructor(
    readonly vendor: InMemoryVendor,
    readonly callKeys: string | null = null,
    readonly asFound = false,
  ) {}

  /** The records one call writes (`callKeys`: its external keys' prefix), and the view its reads take. */
  forCall(callKeys: string): { reads: VendorRecords; writes: VendorRecords } {
    return { reads: new VendorRecords(this.vendor, callKeys, true), writes: new VendorRecords(this.vendor, callKeys) };
  }

  /** Every record of `type` whose canonical fields match. */
  async where<T>(type: string, match: (record: T) => boolean): Promise<T[]> {
    const callKeys = this.asFound ? this.callKeys : null;
    const view = (record: VendorRecord): T | null => (callKeys === null ? canonical<T>(record) : asFoundBy<T>(record, callKeys));
    return vendorCall(async () =>
      (
        await this.vendor.query(type, (record) => {
          const seen = view(record);
          return seen !== null && match(seen);
        })
      ).map((record) => view(record)!),
    );
  }

  /** The record `externalKey` created, or a new one created under it. */
  async ensure<T extends object>(type: string, externalKey: string, fields: T): Promise<T> {
    return vendorCall(async () => {
      const earlier = await this.vendor.findByExternalId(type, externalKey);
      if (earlier) return canonical<T>(earlier);
      return canonical<T>(await this.vendor.create(type, { ...fields, [LAST_WRITE]: externalKey }, externalKey));
    });
  }

  /** The record written under `externalKey` earlier in this call, if any. */
  async created<T>(type: string, externalKey: string): Promise<T | null> {
    return vendorCall(async () => {
      const earlier = await this.vendor.findByExternalId(type, externalKey);
      return earlier ? canonical<T>(earlier) : null;
    });
  }

  /**
   * A transition of the record whose canonical `id` is `id` (`idField` names it), from `aggregateVersion`
   * to the next: applied once per `externalKey` (a retry finds it applied), refused with `conflict`
   * when the record moved meanwhile.
   */
  async transition<T extends { aggregateVersion: number }>(
    type: string,
    idField: string,
    id: string,
    aggregateVersion: number,
    externalKey: string,
    changes: Partial<T>,
    conflict: () => CapabilityRejected,
  ): Promise<T> {
    return vendorCall(async () => {
      const [record] = await this.vendor.query(type, (candidate) => (candidate.fields as Fields)[idField] === id);
      if (!record) throw conflict();
      if ((record.fields as Fields)[LAST_WRITE] === externalKey) return canonical<T>(record);
      if ((record.fields as Fields).aggregateVersion !== aggregateVersion) throw conflict();
      try {
        // The first write of a call keeps what the record was before it (a later write of the same call keeps that).
        const last = (record.fields as Fields)[LAST_WRITE];
        const ours = this.callKeys !== null && typeof last === 'string' && last.startsWith(this.callKeys);
        const before = ours ? (record.fields as Fields)[BEFORE] : canonical<T>(record);
        const next = await this.vendor.update(
          type,
          record.id,
          { ...changes, aggregateVersion: aggregateVersion + 1, [LAST_WRITE]: externalKey, [BEFORE]: before },
          record.version,
        );
        return canonical<T>(next);
      } catch (error) {
        if (error instanceof VendorVersionMismatch) throw conflict();
        throw error;
      }
    });
  }

  /** Sets fields without a version check (a counter the adapter owns), once per `externalKey`. */
  async set<T>(type: string, record: VendorRecord, externalKey: string, changes: Partial<T>): Promise<T> {
    return vendorCall(async () =>
      canonical<T>(await this.vendor.update(type, record.id, { ...changes, [LAST_WRITE]: externalKey }, record.version)),
    );
  }
}
