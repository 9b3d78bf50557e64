import { describe, expect, it } from 'vitest';
import { ALL_RECORDS, expectEveryMethodScoped, isEmptyAnswer, methodsOf, unscoped } from '../harness/recordPolicyProbe.ts';
import { seesAccount, type RecordScope } from '../../policies/recordScope.ts';

const ROWS = [
  { id: 'acc_1', name: 'Acme' },
  { id: 'acc_2', name: 'Globex' },
];

/** A small read port whose every method honours the scope, plus a role list no policy restricts. */
function port(scope: RecordScope) {
  const visible = () => ROWS.filter((row) => seesAccount(scope, row.id));
  return {
    accountsByIds: async (ids: readonly string[]) => visible().filter((row) => ids.includes(row.id)),
    accountById: async (id: string) => visible().find((row) => row.id === id) ?? null,
    accountsPage: async () => ({ rows: visible(), total: visible().length }),
    namesByAccount: async (ids: readonly string[]) => new Map(ids.map((id) => [id, visible().filter((row) => row.id === id)])),
    roles: async () => ['Engineer'],
  };
}
type Port = ReturnType<typeof port>;

const PROBES = {
  accountsByIds: (p: Port) => p.accountsByIds(['acc_1', 'acc_2']),
  accountById: (p: Port) => p.accountById('acc_1'),
  accountsPage: (p: Port) => p.accountsPage(),
  namesByAccount: (p: Port) => p.namesByAccount(['acc_1']),
  roles: unscoped('roles are reference data'),
};

describe('expectEveryMethodScoped', () => {
  it('passes a port whose every method is probed and scoped', async () => {
    await expectEveryMethodScoped(port, PROBES, { control: ALL_RECORDS });
  });

  it('fails a port with a method nobody probed (a new method fails until probed)', async () => {
    const grown = (scope: RecordScope) => ({ ...port(scope), contactsByIds: async () => [{ id: 'con_1' }] });
    await expect(expectEveryMethodScoped(grown, PROBES as never)).rejects.toThrow(/one probe per port method/);
  });

  it('fails a probe for a method the port no longer has', async () => {
    await expect(expectEveryMethodScoped(port, { ...PROBES, gone: unscoped('x') } as never)).rejects.toThrow(/one probe per port method/);
  });

  it('fails a method that forgets the scope, naming it and what it answered', async () => {
    const leaky = (scope: RecordScope) => ({
      ...port(scope),
      accountById: async (id: string) => ROWS.find((row) => row.id === id) ?? null,
    });
    await expect(expectEveryMethodScoped(leaky, PROBES)).rejects.toThrow(
      'accountById, bound to a scope that sees nothing, answered {"id":"acc_1","name":"Acme"}',
    );
  });

  it('fails a probe that finds nothing even when everything is visible (it would prove nothing)', async () => {
    const vacuous = { ...PROBES, accountById: (p: Port) => p.accountById('acc_nope') };
    await expect(expectEveryMethodScoped(port, vacuous, { control: ALL_RECORDS })).rejects.toThrow(/accountById's probe finds nothing/);
  });

  it('refuses an exemption without a reason', async () => {
    await expect(expectEveryMethodScoped(port, { ...PROBES, roles: unscoped(' ') })).rejects.toThrow(/roles is exempt; say why/);
  });

  it('lists class methods as well as own function properties', () => {
    class Reads {
      readonly table = 'accounts';
      async byIds() {
        return [];
      }
      readonly extra = async () => null;
    }
    expect(methodsOf(new Reads())).toEqual(['byIds', 'extra']);
  });

  it('reads empty answers as the list at the top of the harness says', () => {
    const empty = [
      [],
      null,
      undefined,
      0,
      false,
      { rows: [], total: 0 },
      new Map(),
      new Map([['a', []]]),
      {},
      { a: [] },
      [null, null],
      [[], []],
      new Set(),
    ];
    const full = [
      [{ id: 'x' }],
      { rows: [], total: 3 },
      { rows: [{ id: 'x' }], total: 1 },
      2,
      true,
      'x',
      new Map([['a', [1]]]),
      { id: 'x' },
      [null, { id: 'x' }],
      new Set([1]),
    ];
    expect(empty.map(isEmptyAnswer)).toEqual(empty.map(() => true));
    expect(full.map(isEmptyAnswer)).toEqual(full.map(() => false));
  });
});
