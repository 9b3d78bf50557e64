/**
 * The two rules every remote adapter follows, written once:
 * - `createOnce`: a create carries the call's external key and looks the record up by that key
 *   first, so an attempt that resumes a call whose earlier answer was lost finds the record the
 *   vendor already holds instead of creating a second one (a concurrent create that wins the race
 *   is found the same way);
 * - `vendorCall`: a vendor failure or time-out becomes DOWNSTREAM_UNAVAILABLE (retry with the same
 *   key), a version mismatch VERSION_CONFLICT; nothing else is swallowed.
 */
import { tesseraError } from '../../../../core/errors.ts';
import { rejected } from '../../capability/rejection.ts';
import {
  VendorDuplicateExternalId,
  VendorUnavailable,
  VendorVersionMismatch,
  type InMemoryVendor,
  type VendorFields,
  type VendorRecord,
} from './vendor.ts';

/** Runs one vendor call for `system`, turning the vendor's failures into the catalog's codes. */
export async function vendorCall<T>(system: string, entity: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof VendorUnavailable) {
      throw tesseraError(
        'DOWNSTREAM_UNAVAILABLE',
        `The ${system.toUpperCase()} system did not answer (${error.reason === 'timeout' ? 'timed out' : 'failed'}). Retry the same request later.`,
      );
    }
    if (error instanceof VendorVersionMismatch) {
      throw rejected(
        'VERSION_CONFLICT',
        `${entity} ${JSON.stringify(error.id)} changed while this call ran. Read it again, then decide.`,
        'expectedVersion',
      );
    }
    throw error;
  }
}

/** The record the call's `externalKey` names: found if an earlier attempt created it, created otherwise. */
export async function createOnce<F extends VendorFields>(
  vendor: InMemoryVendor,
  system: string,
  objectType: string,
  externalKey: string,
  fields: F,
): Promise<VendorRecord<F>> {
  return vendorCall(system, objectType, async () => {
    const existing = await vendor.findByExternalId<F>(objectType, externalKey);
    if (existing) return existing;
    try {
      return await vendor.create(objectType, fields, externalKey);
    } catch (error) {
      if (!(error instanceof VendorDuplicateExternalId)) throw error;
      // Another attempt of the same call created it between our look-up and our create.
      const raced = await vendor.findByExternalId<F>(objectType, externalKey);
      if (!raced) throw error;
      return raced;
    }
  });
}
