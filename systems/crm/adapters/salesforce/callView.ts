/**
 * What a capability call reads of a record it may already have written (docs/connectors.md#versions-and-exactly-once-writes):
 * the record as it was before that call wrote anything, so an attempt resumed after a lost answer
 * checks its rules against the same state as its first attempt (the kernel's rule for remote
 * adapters, as `beforeCallView` keeps it for the in-memory one). A record the call created is not
 * there yet; a record the call changed last reads as `Tessera_Before__c`, the canonical record
 * before that change.
 */
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { at, type SfRecord } from './fieldCodecs.ts';
import { BOOKKEEPING } from './objectMaps.ts';

/** The canonical record a query record reads as for this view, or null when it is not there. */
export type CallView = <T>(record: SfRecord, canonical: T) => T | null;

export const currentView: CallView = (_record, canonical) => canonical;

/** The call key of `call`: what its changes are marked with (`Tessera_Last_Call__c`). */
export function callKeyOf(call: RemoteCall): string {
  return call.externalKey('call');
}

export function beforeCallView(call: RemoteCall): CallView {
  const callKey = callKeyOf(call);
  // Every external key of the call shares the call key's stem (`tessera:<capability>:<digest>:`).
  const stem = callKey.slice(0, callKey.lastIndexOf(':') + 1);
  return <T>(record: SfRecord, canonical: T): T | null => {
    const createdBy = at(record, BOOKKEEPING.callKey);
    if (typeof createdBy === 'string' && createdBy.startsWith(stem)) return null;
    if (at(record, BOOKKEEPING.lastCall) === callKey) return JSON.parse(String(at(record, BOOKKEEPING.before))) as T;
    return canonical;
  };
}
