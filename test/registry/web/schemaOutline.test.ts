import { describe, expect, it } from 'vitest';
import { AUDIT_SDL, GOVERNANCE_DIRECTIVES_SDL, SHARED_VALUE_TYPES_SDL, readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { schemaOutline, type FieldOutline } from '../../../registry/page/schemaOutline.ts';
import type { SchemaVersion, SubgraphDeclaration } from '../../../registry/types.ts';

const DECLARATIONS: SubgraphDeclaration[] = [
  { name: 'billing', system: 'ERP', url: 'http://erp.internal/graphql' },
  { name: 'crm', system: 'CRM', url: 'http://crm.internal/graphql' },
];

function head(subgraph: string, sdl: string, version = 3): SchemaVersion {
  return {
    subgraph,
    version,
    sdl,
    sdlHash: 'f'.repeat(64),
    url: `http://${subgraph}.internal/graphql`,
    author: 'ada',
    commit: 'abc123',
    publishedAt: '2026-03-01T10:00:00.000Z',
    rolledBackFrom: null,
  };
}

function field(name: string, type: string | null, owner: FieldOutline['owner'], extra: Partial<FieldOutline> = {}): FieldOutline {
  return { name, type, arguments: [], owner, description: null, deprecated: false, deprecationReason: null, sunsetAt: null, ...extra };
}

const BILLING_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@external", "@shareable"])

type Query {
  invoice(id: ID!, currency: String = "USD"): Invoice @owner(system: ERP)
}

type Mutation {
  "Releases a draft invoice."
  releaseInvoice(id: ID!): Invoice
    @owner(system: ERP)
    @deprecated(reason: "Use releaseInvoiceV2. Sunset 2027-06-30.")
    @capability(name: "erp.releaseInvoice", version: 1, sunsetAt: "2027-06-30")
  voidInvoice(id: ID!): Invoice @owner(system: ERP) @deprecated @capability(name: "erp.voidInvoice", version: 1, sunsetAt: "2026-12-31")
}

"An invoice of a legal entity."
type Invoice @key(fields: "id") @owner(system: ERP) {
  id: ID!
  status: InvoiceStatus!
  lines: [InvoiceLine!]!
}

extend type Invoice {
  "The project's billing draft it came from."
  draftId: ID @owner(system: PSA)
}

type Project @key(fields: "id") {
  id: ID!
  code: String! @external
  invoices: [Invoice!]! @owner(system: ERP)
}

enum InvoiceStatus {
  DRAFT
  RELEASED
  VOIDED @deprecated(reason: "Credit notes replace voids. Sunset 2026-01-31.")
}

union InvoiceLine = TimeLine | ExpenseLine

type TimeLine @owner(system: ERP) { hours: Decimal! }
type ExpenseLine @owner(system: ERP) { amount: Money! }

input InvoiceFilter { status: [InvoiceStatus!] }

"An amount of money, in minor units."
type Money @shareable { minor: Int! currency: CurrencyCode! }

enum link__Purpose { SECURITY EXECUTION }
scalar link__Import
scalar federation__FieldSet
`;

describe('schemaOutline', () => {
  it('lists each type and field with its owner (the field’s, else its type’s, else the subgraph’s system) and what is deprecated', () => {
    // The value types, audit types and governance directives every subgraph appends are left out
    // when unchanged; this Money differs from schema/shared.graphql's, so it is listed.
    const sdl = [
      BILLING_SDL,
      SHARED_VALUE_TYPES_SDL.replace(/"An amount of money[^\n]*\ntype Money[^}]*}/, ''),
      GOVERNANCE_DIRECTIVES_SDL,
      AUDIT_SDL,
    ].join('\n');
    const [outline, ...rest] = schemaOutline([head('billing', sdl)], DECLARATIONS);

    expect(rest).toEqual([]);
    expect({ ...outline, types: outline!.types.map((type) => type.name) }).toEqual({
      subgraph: 'billing',
      system: 'ERP',
      version: 3,
      url: 'http://billing.internal/graphql',
      author: 'ada',
      publishedAt: '2026-03-01T10:00:00.000Z',
      types: [
        'Query',
        'Mutation',
        'ExpenseLine',
        'Invoice',
        'InvoiceFilter',
        'InvoiceLine',
        'InvoiceStatus',
        'Money',
        'Project',
        'TimeLine',
      ],
    });
    const byName = new Map(outline!.types.map((type) => [type.name, type]));

    expect(byName.get('Query')).toEqual({
      name: 'Query',
      kind: 'OBJECT',
      owner: 'ERP',
      description: null,
      fields: [field('invoice', 'Invoice', 'ERP', { arguments: ['id: ID!', 'currency: String = "USD"'] })],
    });
    expect(byName.get('Mutation')!.fields).toEqual([
      field('releaseInvoice', 'Invoice', 'ERP', {
        arguments: ['id: ID!'],
        description: 'Releases a draft invoice.',
        deprecated: true,
        deprecationReason: 'Use releaseInvoiceV2. Sunset 2027-06-30.',
        sunsetAt: '2027-06-30',
      }),
      // No sunset in the reason (graphql-js's default one): the capability's sunsetAt.
      field('voidInvoice', 'Invoice', 'ERP', {
        arguments: ['id: ID!'],
        deprecated: true,
        deprecationReason: 'No longer supported',
        sunsetAt: '2026-12-31',
      }),
    ]);
    // Definition and extension merged; the extension's field keeps its own owner.
    expect(byName.get('Invoice')).toEqual({
      name: 'Invoice',
      kind: 'OBJECT',
      owner: 'ERP',
      description: 'An invoice of a legal entity.',
      fields: [
        field('id', 'ID!', 'ERP'),
        field('status', 'InvoiceStatus!', 'ERP'),
        field('lines', '[InvoiceLine!]!', 'ERP'),
        field('draftId', 'ID', 'PSA', { description: "The project's billing draft it came from." }),
      ],
    });
    // An entity stub: no type owner, so the subgraph's system; the @external field is not listed.
    expect(byName.get('Project')).toEqual({
      name: 'Project',
      kind: 'OBJECT',
      owner: 'ERP',
      description: null,
      fields: [field('id', 'ID!', 'ERP'), field('invoices', '[Invoice!]!', 'ERP')],
    });
    expect(byName.get('InvoiceStatus')).toEqual({
      name: 'InvoiceStatus',
      kind: 'ENUM',
      owner: 'ERP',
      description: null,
      fields: [
        field('DRAFT', null, 'ERP'),
        field('RELEASED', null, 'ERP'),
        field('VOIDED', null, 'ERP', {
          deprecated: true,
          deprecationReason: 'Credit notes replace voids. Sunset 2026-01-31.',
          sunsetAt: '2026-01-31',
        }),
      ],
    });
    expect(byName.get('InvoiceLine')).toEqual({
      name: 'InvoiceLine',
      kind: 'UNION',
      owner: 'ERP',
      description: null,
      fields: [field('TimeLine', null, 'ERP'), field('ExpenseLine', null, 'ERP')],
    });
    expect(byName.get('InvoiceFilter')).toEqual({
      name: 'InvoiceFilter',
      kind: 'INPUT_OBJECT',
      owner: 'ERP',
      description: null,
      fields: [field('status', '[InvoiceStatus!]', 'ERP')],
    });
    expect(byName.get('Money')!.fields.map((money) => money.name)).toEqual(['minor', 'currency']);
  });

  it('gives a subgraph no one declared no system, and keeps the heads’ order', () => {
    const outlines = schemaOutline([
      head('zeta', 'type Query { ping: String }', 1),
      head('crm', 'type Query { hello: String @owner(system: CRM) }', 7),
    ]);

    expect(outlines.map((outline) => [outline.subgraph, outline.system, outline.version, outline.types])).toEqual([
      ['zeta', null, 1, [{ name: 'Query', kind: 'OBJECT', owner: null, description: null, fields: [field('ping', 'String', null)] }]],
      ['crm', null, 7, [{ name: 'Query', kind: 'OBJECT', owner: null, description: null, fields: [field('hello', 'String', 'CRM')] }]],
    ]);
  });

  it('outlines the canonical schema without the appended noise, and its deprecated capabilities with their sunset', () => {
    const names = ['crm', 'psa', 'erp', 'integration'] as const;
    const systems = { crm: 'CRM', psa: 'PSA', erp: 'ERP', integration: 'INTEGRATION' } as const;
    const outlines = schemaOutline(
      names.map((name) => head(name, readSubgraphSdl(name), 1)),
      names.map((name) => ({ name, system: systems[name], url: `http://${name}` })),
    );

    for (const outline of outlines) {
      expect(outline.types.slice(0, 2).map((type) => type.name)).toEqual(['Query', 'Mutation']);
      const names = outline.types.map((type) => type.name);
      // The appended value and audit types and the governance enum are noise on this page.
      expect(names.filter((name) => ['Money', 'PageInfo', 'UserError', 'AuditEntry', 'SystemOfRecord', 'Date'].includes(name))).toEqual([]);
      expect(outline.types.find((type) => type.name === 'Query')!.owner).toBe(outline.system);
    }
    const erpMutation = outlines.find((outline) => outline.subgraph === 'erp')!.types.find((type) => type.name === 'Mutation')!;
    expect(
      erpMutation.fields
        .filter((mutation) => mutation.deprecated)
        .map((mutation) => [mutation.name, mutation.sunsetAt])
        .sort(),
    ).toEqual([
      ['activateContract', '2027-06-30'],
      ['releaseInvoice', '2027-06-30'],
    ]);
  });
});
