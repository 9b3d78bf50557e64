/**
 * The change capture's adoption of records a vendor created (docs/connectors.md#adopting-vendor-records),
 * on a vendor held in memory: whatever pollers run, in whatever order and overlap, and whichever
 * write-backs fail or records disappear on the way, every record the vendor still holds ends with
 * the id derived from `(system, vendor id)` written back, exactly one mapping and exactly one
 * creation event; a record gone before its adoption has neither.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { adoptedId, adoptionsOf } from '../../../../systems/kernel/connectors/adoption.ts';
import { pollOnce, type Change, type ChangeLedger, type ChangeStream } from '../../../../systems/kernel/connectors/changeCapture.ts';
import type { ChangeCaptureTables } from '../../../../systems/kernel/connectors/changeCaptureTables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';

interface VendorRecord {
  tesseraId: string | null;
  stamp: string;
}

/** A vendor in memory: records by vendor id, a write-back that fails while `failing` counts down. */
class Vendor {
  readonly records = new Map<string, VendorRecord>();
  failing = 0;
  private tick = 0;
  stamp(): string {
    return new Date(Date.UTC(2026, 2, 2, 9, 0, 0) + ++this.tick * 1000).toISOString();
  }
  stream(): ChangeStream<Change> {
    return {
      name: 'memory:deal',
      changesSince: async (since) =>
        [...this.records.entries()]
          .filter(([, record]) => record.stamp > since)
          .map(([vendorId, record]) => ({
            key: record.tesseraId ?? `memory:${vendorId}`,
            stamp: record.stamp,
            fingerprint: record.tesseraId === null ? '' : '1',
            ...(record.tesseraId === null || record.tesseraId === adoptedId('opp', 'memory', vendorId) ? { adopt: vendorId } : {}),
          })),
      eventsOf: async () => [],
      adopt: async (change) => {
        await Promise.resolve(); // another poller may run here
        const record = this.records.get(change.adopt!);
        if (!record) return null;
        if (this.failing > 0) {
          this.failing -= 1;
          throw new Error('vendor unavailable');
        }
        const id = adoptedId('opp', 'memory', change.adopt!);
        Object.assign(record, { tesseraId: id, stamp: this.stamp() });
        const event = { type: 'Created', aggregateType: 'Deal', aggregateId: id, aggregateVersion: 1, legalEntityId: null, payload: {} };
        return { key: id, fingerprint: '1', events: [event] };
      },
    };
  }
}

type Step = { kind: 'create' } | { kind: 'delete'; which: number } | { kind: 'fail'; times: number } | { kind: 'poll'; pollers: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'create' }),
  fc.nat(9).map((which): Step => ({ kind: 'delete', which })),
  fc.integer({ min: 1, max: 2 }).map((times): Step => ({ kind: 'fail', times })),
  fc.integer({ min: 1, max: 3 }).map((pollers): Step => ({ kind: 'poll', pollers })),
);

describe('adoption by the change capture', () => {
  let ledger: Kysely<CapabilityTables>;
  beforeEach(async () => {
    ledger = await openLedger('crm');
  });
  afterEach(async () => {
    await ledger.destroy();
  });

  it('leaves every record held with one written-back id, one mapping and one event, whatever the pollers and failures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        await ledger.deleteFrom('outbox_events').execute();
        await (ledger as unknown as ChangeLedger).deleteFrom('connector_seen').execute();
        await (ledger as unknown as ChangeLedger).deleteFrom('connector_watermarks').execute();
        const vendor = new Vendor();
        const now = () => new Date(vendor.stamp());
        const poll = () => pollOnce(ledger as unknown as ChangeLedger, vendor.stream(), { now, overlapMs: 3_600_000 }).catch(() => null);
        await poll(); // the baseline
        let created = 0;
        for (const s of steps) {
          if (s.kind === 'create') vendor.records.set(`v${++created}`, { tesseraId: null, stamp: vendor.stamp() });
          if (s.kind === 'delete') vendor.records.delete(`v${s.which}`);
          if (s.kind === 'fail') vendor.failing = s.times;
          if (s.kind === 'poll') await Promise.all(Array.from({ length: s.pollers }, poll));
        }
        vendor.failing = 0;
        await poll();
        const held = [...vendor.records.keys()].sort();
        expect([...vendor.records.entries()].map(([id, record]) => [id, record.tesseraId])).toEqual(
          [...vendor.records.keys()].map((id) => [id, adoptedId('opp', 'memory', id)]),
        );
        const mappings = await adoptionsOf(ledger as unknown as Kysely<ChangeCaptureTables>, 'memory:deal');
        expect([...mappings.keys()].filter((id) => vendor.records.has(id)).sort()).toEqual(held);
        for (const [vendorId, id] of mappings) expect(id).toBe(adoptedId('opp', 'memory', vendorId));
        const events = await ledger.selectFrom('outbox_events').select('aggregate_id').execute();
        expect(events.map((event) => event.aggregate_id).sort()).toEqual([...mappings.values()].sort());
      }),
      { numRuns: 60 },
    );
  });

  it('derives the id from the system and the vendor id alone', () => {
    expect(adoptedId('opp', 'salesforce', '0065g00000Abc')).toBe(adoptedId('opp', 'salesforce', '0065g00000Abc'));
    expect(adoptedId('opp', 'salesforce', '0065g00000Abc')).not.toBe(adoptedId('opp', 'hubspot', '0065g00000Abc'));
    expect(adoptedId('opp', 'hubspot', '9001')).toMatch(/^opp_[0-9a-f]{20}$/);
  });
});
