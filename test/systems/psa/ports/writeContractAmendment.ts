/**
 * A contract amendment's PSA lines through the write port (amendContractLines, docs/capabilities.md#contract-amendments),
 * the same on every adapter: the ERP's step recordContractAmendment raises the T&M cap (same line id,
 * the amendment's version) and adds a fixed-fee line (its id derived from the version); a replay
 * answers ALREADY_IN_STATE; a refusal (CONTRACT_LINES_DO_NOT_SUM, a plan that throws) writes nothing.
 */
import { expect, it } from 'vitest';
import { rejected } from '../../../../systems/kernel/capability/rejection.ts';
import { systemPrincipal } from '../../../../systems/kernel/capability/peers.ts';
import type { ContractLine, Project } from '../../../../systems/psa/ports/types.ts';
import { withPorts } from './openPsa.ts';
import type { WriteHarness } from './writeHarness.ts';
import { ALICE, scenario } from './writeFixture.ts';

export function contractAmendmentTests(h: WriteHarness): void {
  it('amends the contract lines: the cap raised in place at the version, a new line added; a replay changes nothing', async () => {
    const s = scenario(h.data, 70);
    await h.ok<{ project: Project }>(
      h.runner().run(
        'createProjectFromContract',
        {
          contractId: s.contract.id,
          name: `Amended ${s.n}`,
          code: `AMD-${s.n}`,
          lines: [{ billingMethod: 'TIME_AND_MATERIALS', notToExceed: '100000.00', rateCardId: 'rc_port' }],
        },
        { principal: ALICE, key: 'amd-create', facts: { contract: s.contract, rateCard: s.rateCard } },
      ),
    );
    const lines = () => h.read().contractLinesByContractIds([s.contract.id]);
    const [tm] = await lines();
    expect(tm).toMatchObject({ billingMethod: 'TIME_AND_MATERIALS', notToExceedE4: 1_000_000_000, rateCardId: 'rc_port' });
    const step = (version: number, totalContractValue: string, changes: Record<string, unknown>[], key: string) =>
      h
        .runner()
        .run(
          'recordContractAmendment',
          { contractId: s.contract.id, amendmentId: `ctra_${version}`, version, totalContractValue, lines: changes },
          { principal: systemPrincipal('erp'), key, facts: { contract: s.contract, rateCards: [] } },
        );

    const raised: ContractLine = { ...tm!, notToExceedE4: 1_200_000_000, markupPercentE4: null, contractVersion: 2 };
    expect(await step(2, '120000.00', [{ lineId: tm!.id, notToExceed: '120000' }], 'amd-2')).toEqual({
      result: { ok: true, value: { lines: [raised] } },
      replayed: false,
    });
    expect(await lines()).toEqual([raised]);

    const added: ContractLine = {
      id: `cl_${s.contract.id.slice(4)}_v3_00`,
      contractId: s.contract.id,
      billingMethod: 'FIXED_FEE',
      amountE4: 150_000_000,
      notToExceedE4: null,
      currency: 'USD',
      rateCardId: null,
      markupPercentE4: null,
      contractVersion: 3,
    };
    await h.ok(step(3, '135000.00', [{ billingMethod: 'FIXED_FEE', amount: '15000.00' }], 'amd-3'));
    expect(await lines()).toEqual([raised, added].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(await step(3, '135000.00', [{ billingMethod: 'FIXED_FEE', amount: '15000.00' }], 'amd-3-again')).toEqual({
      result: {
        ok: true,
        value: {
          lines: [raised, added].sort((a, b) => (a.id < b.id ? -1 : 1)),
          warnings: [{ code: 'ALREADY_IN_STATE', message: `The lines of contract ${s.contract.id} already are at version 3.` }],
        },
      },
      replayed: false,
    });
    expect((await h.eventsOf([s.contract.id])).map((event) => `${event.type}@${event.aggregate}`)).toEqual([
      `ContractLinesAmended@Contract:${s.contract.id}:2`,
      `ContractLinesAmended@Contract:${s.contract.id}:3`,
    ]);
  });

  it('a refused amendment writes nothing: lines not summing to the value, a plan that throws', async () => {
    const s = scenario(h.data, 71);
    await h.ok(
      h.runner().run(
        'createProjectFromContract',
        {
          contractId: s.contract.id,
          name: `Refused ${s.n}`,
          code: `AMD-${s.n}`,
          lines: [{ billingMethod: 'TIME_AND_MATERIALS', notToExceed: '100000.00', rateCardId: 'rc_port' }],
        },
        { principal: ALICE, key: 'amdx-create', facts: { contract: s.contract, rateCard: s.rateCard } },
      ),
    );
    const before = await h.read().contractLinesByContractIds([s.contract.id]);
    expect(
      await h.runner().run(
        'recordContractAmendment',
        {
          contractId: s.contract.id,
          amendmentId: 'ctra_x',
          version: 2,
          totalContractValue: '130000.00',
          lines: [{ lineId: before[0]!.id, notToExceed: '125000.00' }],
        },
        { principal: systemPrincipal('erp'), key: 'amdx-2', facts: { contract: s.contract, rateCards: [] } },
      ),
    ).toEqual({
      result: {
        ok: false,
        error: {
          code: 'CONTRACT_LINES_DO_NOT_SUM',
          message: 'The lines sum to 125000.00 USD; the contract value is 130000.00.',
          field: 'lines',
        },
      },
      replayed: false,
    });
    await expect(
      withPorts(h.psa().system, (ports) =>
        ports.write.amendContractLines(s.contract.id, async () => {
          throw rejected('AMENDMENT_BELOW_BILLED', 'refused in the plan', 'lines');
        }),
      ),
    ).rejects.toMatchObject({ rejection: { code: 'AMENDMENT_BELOW_BILLED' } });
    expect(await h.read().contractLinesByContractIds([s.contract.id])).toEqual(before);
    expect(await h.eventsOf([s.contract.id])).toEqual([]);
  });
}
