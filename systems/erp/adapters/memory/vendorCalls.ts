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
  const { [LAST_WRITE]: _last, ...fields } = record.fields as Fields;
  return fields as T;
}

export class VendorRecords {
  constructor(readonly vendor: InMemoryVendor) {}

  /** Every record of `type` whose canonical fields match. */
  async where<T>(type: string, match: (record: T) => boolean): Promise<T[]> {
    return vendorCall(async () =>
      (await this.vendor.query(type, (record) => match(canonical<T>(record)))).map((record) => canonical<T>(record)),
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
        const next = await this.vendor.update(
          type,
          record.id,
          { ...changes, aggregateVersion: aggregateVersion + 1, [LAST_WRITE]: externalKey },
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
