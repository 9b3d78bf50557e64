/**
 * The governance lint's capability rules (docs/registry.md#rules): CAPABILITY_NAMING,
 * CAPABILITY_VERSION_DUPLICATE, CAPABILITY_CHANGED_IN_PLACE.
 */
import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../../../registry/types.ts';
import { error, lint, supergraphOf, type Fixture } from './governanceFixtures.ts';

const WRITE = '@owner(system: ERP) @requiresScopes(scopes: [["erp:write"]])';
const erp = (mutations: string, extra = ''): Fixture => ({
  name: 'erp',
  system: 'ERP',
  body: `
    type Query { invoice(id: ID!): Invoice @owner(system: ERP) @requiresScopes(scopes: [["erp:read"]]) }
    type Mutation { ${mutations} }
    input ReleaseInvoiceInput { billingDraftId: ID! }
    type ReleaseInvoicePayload @owner(system: ERP) @public { invoice: Invoice status: ReleaseStatus }
    enum ReleaseStatus { DONE }
    type Invoice @key(fields: "id") @owner(system: ERP) @requiresScopes(scopes: [["erp:read"]]) { id: ID! total: String }
    ${extra}`,
});
const V1 = `releaseInvoice(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "erp.releaseInvoice", version: 1) ${WRITE}`;
const V2 = `releaseInvoiceV2(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "erp.releaseInvoice", version: 2) ${WRITE}`;

const change = (coordinate: string, kind = 'FIELD_REMOVED'): SchemaChange => ({
  severity: 'BREAKING',
  kind,
  coordinate,
  message: `${coordinate} changed`,
  usageCoordinates: [coordinate],
});

describe('CAPABILITY_NAMING', () => {
  it('passes <system>.<verbNoun> on verbNoun (version 1) and verbNounV2 (version 2), answering a payload', () => {
    expect(lint([erp(`${V1} ${V2}`)])).toEqual([]);
  });

  it('reports a foreign system prefix, a field not named after the name and version, and an answer that is no payload', () => {
    const mutations = `
      releaseInvoice(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "psa.releaseInvoice", version: 1) ${WRITE}
      postInvoice(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "erp.releaseInvoice", version: 3) ${WRITE}
      voidInvoice(input: ReleaseInvoiceInput!): Invoice @capability(name: "erp.voidInvoice", version: 1) ${WRITE}
      Bad(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "ERP-bad", version: 1) ${WRITE}`;
    expect(lint([erp(mutations)])).toEqual([
      error(
        'CAPABILITY_NAMING',
        'Mutation.releaseInvoice',
        'erp',
        'capability name "psa.releaseInvoice" must start with "erp.", the system of the subgraph that owns it.',
      ),
      error(
        'CAPABILITY_NAMING',
        'Mutation.postInvoice',
        'erp',
        'the field of erp.releaseInvoice v3 must be named releaseInvoiceV3, not postInvoice.',
      ),
      error(
        'CAPABILITY_NAMING',
        'Mutation.voidInvoice',
        'erp',
        'voidInvoice must answer a payload or result type (an object or union named *Payload or *Result), not Invoice.',
      ),
      error(
        'CAPABILITY_NAMING',
        'Mutation.Bad',
        'erp',
        'capability name "ERP-bad" is not <system>.<verbNoun> (e.g. "erp.releaseInvoice").',
      ),
    ]);
  });
});

describe('CAPABILITY_VERSION_DUPLICATE', () => {
  it('reports each field of a name and version declared twice', () => {
    const twice = `issueInvoice(input: ReleaseInvoiceInput!): ReleaseInvoicePayload @capability(name: "erp.releaseInvoice", version: 1) ${WRITE}`;
    const findings = lint([erp(`${V1} ${twice}`)]).filter((finding) => finding.rule === 'CAPABILITY_VERSION_DUPLICATE');
    expect(findings).toEqual([
      error(
        'CAPABILITY_VERSION_DUPLICATE',
        'Mutation.releaseInvoice',
        'erp',
        'Mutation.releaseInvoice and Mutation.issueInvoice both declare erp.releaseInvoice v1: each version of a capability is one field; give this one its own version.',
      ),
      error(
        'CAPABILITY_VERSION_DUPLICATE',
        'Mutation.issueInvoice',
        'erp',
        'Mutation.issueInvoice and Mutation.releaseInvoice both declare erp.releaseInvoice v1: each version of a capability is one field; give this one its own version.',
      ),
    ]);
  });
});

describe('CAPABILITY_CHANGED_IN_PLACE', () => {
  const before = supergraphOf([erp(V1)]);
  const inPlace = (coordinates: string) =>
    error(
      'CAPABILITY_CHANGED_IN_PLACE',
      'Mutation.releaseInvoice',
      'erp',
      `erp.releaseInvoice v1 (Mutation.releaseInvoice) changes in place: ${coordinates}. ` +
        'A breaking change is a new version: add releaseInvoiceV2 with @capability(name: "erp.releaseInvoice", version: 2) beside it and deprecate this one.',
    );

  it('passes a breaking change made as a new version, and one on an entity the payload only points to', () => {
    expect(lint([erp(`${V1} ${V2}`)], { before, changes: [change('Invoice.total')] })).toEqual([]);
    // A new version's own changes are not "in place": it did not exist before.
    expect(
      lint([erp(V2)], {
        before,
        changes: [change('Mutation.releaseInvoice'), change('Mutation.releaseInvoiceV2(input:)', 'ARG_CHANGED_KIND')],
      }),
    ).toEqual([]);
  });

  it('passes when only safe or dangerous changes touch the version', () => {
    const safe: SchemaChange = {
      ...change('ReleaseInvoiceInput.note', 'INPUT_FIELD_ADDED_OPTIONAL'),
      severity: 'SAFE',
      usageCoordinates: [],
    };
    expect(lint([erp(V1)], { before, changes: [safe] })).toEqual([]);
  });

  it('reports a breaking change on the field, its arguments, its input types or its payload', () => {
    const changes = [
      change('Mutation.releaseInvoice(input:)', 'ARG_TYPE_CHANGED'),
      change('ReleaseInvoiceInput.billingDraftId', 'INPUT_FIELD_TYPE_CHANGED'),
      change('ReleaseInvoicePayload.invoice', 'FIELD_TYPE_CHANGED'),
      change('ReleaseStatus.DONE', 'ENUM_VALUE_REMOVED'),
    ];
    expect(lint([erp(V1)], { before, changes })).toEqual([
      inPlace(
        'Mutation.releaseInvoice(input:) (ARG_TYPE_CHANGED), ReleaseInvoiceInput.billingDraftId (INPUT_FIELD_TYPE_CHANGED), ReleaseInvoicePayload.invoice (FIELD_TYPE_CHANGED), ReleaseStatus.DONE (ENUM_VALUE_REMOVED)',
      ),
    ]);
  });
});
