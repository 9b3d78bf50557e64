/**
 * The governance directives on the canonical schema: declared alike in every subgraph, composed
 * into the supergraph, and a decision on every type and root field. Plus the checks themselves,
 * on small inline subgraphs.
 */
import { AUDIT_SDL, GOVERNANCE_DIRECTIVES_SDL } from '../../schema/subgraphSdl.ts';
import { Kind, parse, print, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.ts';
import { DECISION_DIRECTIVES, policyNamesUsed, scopesUsed, ungovernedCoordinates } from '../../schema/governance.ts';
import { governanceBlock, governed, REAL_SOURCES, SUBGRAPHS } from './realSchema.ts';

const GOVERNANCE = new Set([...DECISION_DIRECTIVES, 'owner']);

/** The governance directives at `Type` or `Type.field` of a parsed schema, printed, in order. */
function governanceAt(document: DocumentNode, coordinate: string): string[] {
  const [typeName, fieldName] = coordinate.split('.');
  const types = document.definitions.filter(
    (definition) =>
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      definition.name.value === typeName,
  );
  if (types.length === 0) throw new Error(`no type ${typeName}`);
  const directives = types.flatMap((type) => {
    if (type.kind !== Kind.OBJECT_TYPE_DEFINITION && type.kind !== Kind.OBJECT_TYPE_EXTENSION) return [];
    if (fieldName === undefined) return type.directives ?? [];
    return type.fields?.find((field) => field.name.value === fieldName)?.directives ?? [];
  });
  return directives.filter((directive) => GOVERNANCE.has(directive.name.value)).map((directive) => print(directive));
}

const read = (system: string) => `@requiresScopes(scopes: [["${system}:read"]])`;
const owner = (system: string) => `@owner(system: ${system})`;
const LEGAL_ENTITY = '@policy(policies: [["legalEntityScoped"]])';
const PARTNER = '@policy(policies: [["partnerAccountScoped"]])';
const BOTH = '@policy(policies: [["legalEntityScoped", "partnerAccountScoped"]])';
const OPS_READ = '@requiresScopes(scopes: [["ops:read"]])';
const OPS_WRITE = '@requiresScopes(scopes: [["ops:write"]])';
const OPS_OR_ERP_READ = '@requiresScopes(scopes: [["ops:read"], ["erp:read"]])';
const WEBHOOKS = '@requiresScopes(scopes: [["webhooks:manage"]])';

describe('the canonical schema', () => {
  const supergraph = composeSupergraph(REAL_SOURCES);
  const document = parse(supergraph);

  it('imports the same governance directives at the top of every subgraph SDL, defined once', () => {
    const [crm, ...others] = REAL_SOURCES.map((source) => governanceBlock(source.sdl));
    expect(crm).toContain(
      '@link(url: "https://tessera.dev/governance/v1.1", import: ["@authenticated", "@requiresScopes", "@policy", "@public", "@owner", "@capability", "@maxLength"])',
    );
    for (const block of others) expect(block).toBe(crm);
    expect(GOVERNANCE_DIRECTIVES_SDL).toContain('directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION');
    expect(GOVERNANCE_DIRECTIVES_SDL).toContain('enum SystemOfRecord { CRM PSA ERP INTEGRATION }');
    for (const source of REAL_SOURCES) expect(source.sdl.endsWith(`${GOVERNANCE_DIRECTIVES_SDL}\n${AUDIT_SDL}`)).toBe(true);
  });

  it('composes, with the governance directives in the supergraph', () => {
    for (const definition of [
      'directive @authenticated on OBJECT | FIELD_DEFINITION',
      'directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION',
      'directive @policy(policies: [[String!]!]!) on OBJECT | FIELD_DEFINITION',
      'directive @public on OBJECT | FIELD_DEFINITION',
      'directive @owner(system: SystemOfRecord!) on OBJECT | FIELD_DEFINITION',
    ]) {
      expect(supergraph).toContain(definition);
    }
  });

  it('gives every object type and every root field an access decision', () => {
    expect(ungovernedCoordinates(supergraph)).toEqual([]);
  });

  it('names exactly the policies that policies/ defines', () => {
    expect(policyNamesUsed(supergraph)).toEqual(
      new Set(['legalEntityScoped', 'partnerAccountScoped', 'segregationOfDuties', 'internalOnly']),
    );
  });

  it('names the read and write scope of each system, the cost-rate, approval, audit, system, operator, webhook and crosswalk scopes', () => {
    expect(scopesUsed(supergraph)).toEqual(
      new Set([
        'crm:read',
        'psa:read',
        'erp:read',
        'psa:cost',
        'crm:write',
        'psa:write',
        'psa:approve',
        'erp:write',
        'tessera:system',
        'audit:read',
        'ops:read',
        'ops:write',
        'webhooks:manage',
        'crosswalk:read',
        'crosswalk:write',
        'metrics:read',
      ]),
    );
  });

  it.each([
    // Entities, decided in the subgraph that owns them.
    ['Account', [owner('CRM'), read('crm'), PARTNER]],
    ['Opportunity', [owner('CRM'), read('crm'), BOTH]],
    ['Contract', [owner('CRM'), read('crm'), BOTH]],
    ['Contact', [owner('CRM'), read('crm')]],
    ['Project', [owner('PSA'), read('psa'), BOTH]],
    ['BillingDraft', [owner('PSA'), read('psa'), BOTH]],
    ['Resource', [owner('PSA'), read('psa')]],
    ['Role', [owner('PSA'), read('psa')]],
    ['Timecard', [owner('PSA'), read('psa')]],
    ['Assignment', [owner('PSA'), read('psa')]],
    ['LegalEntity', [owner('ERP'), read('erp'), LEGAL_ENTITY]],
    ['AccountingPeriod', [owner('ERP'), read('erp'), LEGAL_ENTITY]],
    ['RateCard', [owner('ERP'), read('erp'), LEGAL_ENTITY]],
    ['Invoice', [owner('ERP'), read('erp'), BOTH]],
    ['Payment', [owner('ERP'), read('erp'), BOTH]],
    ['TaxProfile', [owner('ERP'), read('erp')]],
    ['RevenueSchedule', [owner('ERP'), read('erp')]],
    // Values and helpers: their parent field decides.
    ['Money', ['@public']],
    ['PageInfo', ['@public']],
    ['ExternalRef', ['@public']],
    ['ProjectConnection', [owner('PSA'), '@public']],
    ['InvoiceLine', [owner('ERP'), '@public']],
    ['RateCardLine', [owner('ERP'), '@public']],
    // Fields contributed to entities owned elsewhere carry their own decision.
    ['Account.projects', [owner('PSA'), read('psa')]],
    ['Account.invoices', [owner('ERP'), read('erp')]],
    ['Account.arBalances', [owner('ERP'), read('erp')]],
    ['Contract.lines', [owner('PSA'), read('psa')]],
    ['Contract.paymentTerms', [owner('ERP'), read('erp')]],
    ['Project.billedToDate', [owner('ERP'), read('erp')]],
    // Cost rates.
    ['Assignment.costRate', ['@requiresScopes(scopes: [["psa:cost"]])']],
    ['RateCardLine.costRate', ['@requiresScopes(scopes: [["psa:cost"]])']],
    // Root fields: their own decision, since connections are @public.
    ['Query.accounts', [owner('CRM'), read('crm'), PARTNER]],
    ['Query.contracts', [owner('CRM'), read('crm'), BOTH]],
    ['Query.projects', [owner('PSA'), read('psa'), BOTH]],
    ['Query.roles', [owner('PSA'), read('psa')]],
    ['Query.legalEntities', [owner('ERP'), read('erp'), LEGAL_ENTITY]],
    ['Query.invoices', [owner('ERP'), read('erp'), BOTH]],
    // The integration subgraph (docs/processes.md): operators read with ops:read and act with
    // ops:write; webhook subscriptions are their owner's, under webhooks:manage.
    ['Process', [owner('INTEGRATION'), OPS_READ, BOTH]],
    ['BillingRun', [owner('INTEGRATION'), OPS_READ, LEGAL_ENTITY]],
    ['WebhookSubscription', [owner('INTEGRATION'), WEBHOOKS]],
    ['WebhookDelivery', [owner('INTEGRATION'), WEBHOOKS]],
    ['ProcessStep', [owner('INTEGRATION'), '@public']],
    ['DeadLetter', [owner('INTEGRATION'), '@public']],
    ['Opportunity.process', [owner('INTEGRATION'), OPS_READ]],
    ['Project.process', [owner('INTEGRATION'), OPS_READ]],
    ['Invoice.process', [owner('INTEGRATION'), OPS_READ]],
    ['Project.cashPosition', [owner('INTEGRATION'), OPS_OR_ERP_READ]],
    ['Account.exposure', [owner('INTEGRATION'), OPS_OR_ERP_READ]],
    ['Query.processStatus', [owner('INTEGRATION'), OPS_READ, BOTH]],
    ['Query.processes', [owner('INTEGRATION'), OPS_READ, BOTH]],
    ['Query.deadLetters', [owner('INTEGRATION'), OPS_READ]],
    ['Query.reconciliationExceptions', [owner('INTEGRATION'), OPS_READ, LEGAL_ENTITY]],
    ['Query.billingRuns', [owner('INTEGRATION'), OPS_READ, LEGAL_ENTITY]],
    ['Query.webhookSubscriptions', [owner('INTEGRATION'), WEBHOOKS]],
    ['Query.webhookDeliveries', [owner('INTEGRATION'), WEBHOOKS]],
    ['Query.integrationAuditLog', [owner('INTEGRATION'), '@requiresScopes(scopes: [["audit:read"]])']],
    ['Mutation.retryProcess', [owner('INTEGRATION'), OPS_WRITE, LEGAL_ENTITY]],
    ['Mutation.startBillingRun', [owner('INTEGRATION'), OPS_WRITE, LEGAL_ENTITY]],
    ['Mutation.runReconciliation', [owner('INTEGRATION'), OPS_WRITE, LEGAL_ENTITY]],
    ['Mutation.resolveReconciliationException', [owner('INTEGRATION'), OPS_WRITE, LEGAL_ENTITY]],
    ['Mutation.replayDeadLetter', [owner('INTEGRATION'), OPS_WRITE]],
    ['Mutation.replayDeadLetters', [owner('INTEGRATION'), OPS_WRITE]],
    ['Mutation.discardDeadLetter', [owner('INTEGRATION'), OPS_WRITE]],
    ['Mutation.createWebhookSubscription', [owner('INTEGRATION'), WEBHOOKS]],
    ['Mutation.rotateWebhookSecret', [owner('INTEGRATION'), WEBHOOKS]],
    ['Mutation.disableWebhookSubscription', [owner('INTEGRATION'), WEBHOOKS]],
    ['Mutation.replayWebhookDelivery', [owner('INTEGRATION'), WEBHOOKS]],
  ])('decides %s as %j in the supergraph', (coordinate, expected) => {
    expect(governanceAt(document, coordinate)).toEqual(expected);
  });

  it('gives each type one kind of decision: @public, or requirements, never both', () => {
    const mixed = document.definitions.flatMap((definition) => {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return [];
      const names = new Set((definition.directives ?? []).map((directive) => directive.name.value));
      const requirements = ['authenticated', 'requiresScopes', 'policy'].some((name) => names.has(name));
      return names.has('public') && requirements ? [definition.name.value] : [];
    });
    expect(mixed).toEqual([]);
  });

  it.each(SUBGRAPHS)('leaves the type-level decision of a stub or extension in %s to the owning subgraph', (name) => {
    const sdl = parse(REAL_SOURCES.find((source) => source.name === name)!.sdl);
    const decidedStubs = sdl.definitions.flatMap((definition) => {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value === 'Query') return [];
      const names = (definition.directives ?? []).map((directive) => directive.name.value);
      const stub = names.includes('key') && !names.includes('owner');
      return stub && names.some((directiveName) => GOVERNANCE.has(directiveName)) ? [definition.name.value] : [];
    });
    expect(decidedStubs).toEqual([]);
  });
});

describe('ungovernedCoordinates', () => {
  // Of no known system of record, so composition skips the ownership check.
  const supergraphOf = (body: string) => composeSupergraph([{ name: 'widgets', url: 'http://widgets.test/graphql', sdl: governed(body) }]);

  it('reports an object type with no decision', () => {
    const supergraph = supergraphOf(`
      type Query { widget(id: ID!): Widget @requiresScopes(scopes: [["widgets:read"]]) }
      type Widget { id: ID! part: Part! }
      type Part @public { name: String! }
    `);
    expect(ungovernedCoordinates(supergraph)).toEqual(['Widget']);
  });

  it('reports root fields with no decision of their own, whatever the type they return decides', () => {
    const supergraph = supergraphOf(`
      type Query {
        widget(id: ID!): Widget
        widgets: [Widget!]! @authenticated
      }
      type Mutation { renameWidget(id: ID!, name: String!): Widget }
      type Widget @requiresScopes(scopes: [["widgets:read"]]) { id: ID! name: String! }
    `);
    expect(ungovernedCoordinates(supergraph)).toEqual(['Mutation.renameWidget', 'Query.widget']);
  });

  it('accepts @public as a decision, and ignores federation internals', () => {
    const supergraph = supergraphOf(`
      type Query { widget: Widget @public }
      type Widget @public { id: ID! }
    `);
    expect(supergraph).toContain('enum join__Graph');
    expect(ungovernedCoordinates(supergraph)).toEqual([]);
  });
});

describe('policyNamesUsed and scopesUsed', () => {
  it('collect every name of every OR-of-AND group, on types and fields', () => {
    const supergraph = composeSupergraph([
      {
        name: 'widgets',
        url: 'http://widgets.test/graphql',
        sdl: governed(`
        type Query {
          widget: Widget @requiresScopes(scopes: [["widgets:read", "widgets:admin"], ["root"]]) @policy(policies: [["ownWidgets"]])
        }
        type Widget @requiresScopes(scopes: [["widgets:read"]]) @policy(policies: [["tenantScoped", "notArchived"], ["auditor"]]) {
          id: ID!
        }
      `),
      },
    ]);
    expect(policyNamesUsed(supergraph)).toEqual(new Set(['ownWidgets', 'tenantScoped', 'notArchived', 'auditor']));
    expect(scopesUsed(supergraph)).toEqual(new Set(['widgets:read', 'widgets:admin', 'root']));
  });

  it('are empty for a supergraph without governance directives', () => {
    expect(policyNamesUsed('type Query { a: Int }')).toEqual(new Set());
    expect(scopesUsed('type Query { a: Int }')).toEqual(new Set());
  });
});
