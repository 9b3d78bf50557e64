/**
 * Upgrading a store in place (docs/invariants.md#idempotency): answers the previous release stored as rows
 * are rewritten as canonical records by 0004, so a replay answers exactly what a fresh call answers; rejections
 * and answers already canonical stay as they were, and running the migration again changes nothing. The CRM's
 * contacts get their source by 0009 (docs/model.md#external-references).
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../../systems/systems.ts';
import { newKey } from '../../harness/capabilities.ts';
import { crmDb, inProcessSystem } from '../../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { PREVIOUS_SYSTEMS, previousRelease, storedAnswers, UPGRADE, type StoredAnswer } from './previousRelease.ts';
import { crmReplays, erpReplays, psaReplays, type Replay } from './replays.ts';

export function canonicalAnswersSuite(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`upgrading stored answers to canonical records on ${engine}`, () => {
    let temp: TempStore;
    let tessera: TestTessera;
    let replays: Replay[] = [];
    let stored: readonly (StoredAnswer & { json: string })[] = [];

    beforeAll(async () => {
      temp = await makeStore();
      stored = await previousRelease(temp.store, async (dbs) => {
        replays = [...(await crmReplays(dbs)), ...(await psaReplays(dbs)), ...(await erpReplays(dbs))];
        return replays.map((replay) => replay.answer);
      });
      tessera = await startTestTessera({ store: temp, scale: 's' });
    }, 120_000);

    afterAll(async () => {
      await tessera?.stop();
      await temp?.remove();
    });

    it('keeps the seeded store and runs 0004 of every system on it', () => {
      expect(tessera.tessera.seed).toEqual({ kind: 'skipped', reason: 'not-empty' });
    });

    it('replays every old answer as the canonical answer a fresh call gives', async () => {
      for (const { answer, document, expected } of replays) {
        const { status, body } = await tessera.request({
          query: document,
          variables: { input: { ...answer.input, idempotencyKey: answer.key } },
        });
        expect({ capability: answer.capability, status, body }).toEqual({
          capability: answer.capability,
          status: 200,
          body: await expected(tessera),
        });
      }
    });

    it('rewrites the rows of successful answers and leaves rejections as stored', async () => {
      for (const system of PREVIOUS_SYSTEMS) {
        const now = await storedAnswers(inProcessSystem(tessera, system).db as Kysely<unknown>);
        for (const answer of stored.filter((candidate) => candidate.system === system)) {
          const json = now[`old-${answer.key}`]!;
          const outcome = JSON.parse(answer.json) as { ok: boolean };
          if (outcome.ok) {
            expect(json).not.toEqual(answer.json);
            expect(json).not.toMatch(/"[a-z]+_[a-z_0-9]+":/);
          } else {
            expect(json).toEqual(answer.json);
          }
        }
      }
    });

    it("gives the contacts stored before 0009 their account's system and their own id, and the accounts no tax id (0010)", async () => {
      const crm = crmDb(tessera);
      const contacts = await crm
        .selectFrom('contacts')
        .innerJoin('accounts', 'accounts.id', 'contacts.account_id')
        .select(['contacts.id', 'contacts.source_system', 'contacts.source_id', 'accounts.source_system as account_system'])
        .orderBy('contacts.id')
        .execute();
      expect(contacts).toHaveLength(150);
      expect(contacts.filter((c) => c.source_system !== c.account_system || c.source_id !== c.id)).toEqual([]);
      expect(await crm.selectFrom('accounts').select('id').where('tax_id', 'is not', null).execute()).toEqual([]);
      const { body } = await tessera.request({
        query: '{ account(id: "acc_00046") { taxId contacts { id externalRefs { system objectType externalId } } } }',
      });
      expect(body).toEqual({
        data: {
          account: {
            taxId: null,
            contacts: ['con_00112', 'con_00113', 'con_00114', 'con_00115'].map((id) => ({
              id,
              externalRefs: [{ system: 'hubspot', objectType: 'contact', externalId: id }],
            })),
          },
        },
      });
    });

    it('leaves canonical answers untouched: migrating twice is a no-op', async () => {
      for (const system of PREVIOUS_SYSTEMS) {
        const db = inProcessSystem(tessera, system).db as Kysely<unknown>;
        const before = await storedAnswers(db);
        await SYSTEMS[system].migrations[UPGRADE(system)]!.up(db);
        expect(await storedAnswers(db)).toEqual(before);
      }
    });

    it('leaves an answer the new release stored as it is', async () => {
      // The first old answer, converted, stored again under a new key: what this release stores.
      const crm = crmDb(tessera);
      const [first] = stored;
      const record = await crm
        .selectFrom('idempotency_records')
        .selectAll()
        .where('idempotency_key', '=', first!.key)
        .executeTakeFirstOrThrow();
      const key = newKey();
      await crm
        .insertInto('idempotency_records')
        .values({ ...record, id: `new-${key}`, idempotency_key: key })
        .execute();
      const db = crm as unknown as Kysely<unknown>;
      await SYSTEMS.crm.migrations[UPGRADE('crm')]!.up(db);
      const now = await storedAnswers(db);
      expect(now[`new-${key}`]).toEqual(record.response_json);
      expect(now[`new-${key}`]).toEqual(now[`old-${first!.key}`]);
    });
  });
}
