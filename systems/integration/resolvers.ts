/**
 * The integration subgraph's resolvers: each area's queries, types and capabilities merged. An area
 * adds its query resolvers, its type resolvers and its capabilities here, one spread each.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import type { IntegrationContext } from './context.ts';
import type { IntegrationPorts } from './ports/ports.ts';
import { billingRunCapabilities, billingRunQueryResolvers, billingRunTypeResolvers, cashTypeResolvers } from './billingRun/resolvers.ts';
import { processCapabilities } from './process/capabilities.ts';
import { deadLetterCapabilities } from './deadLetters/capabilities.ts';
import { deadLetterQueryResolvers, deadLetterTypeResolvers } from './deadLetters/resolvers.ts';
import { crosswalkCapabilities } from './crosswalk/capabilities.ts';
import { crosswalkQueryResolvers, crosswalkTypeResolvers } from './crosswalk/resolvers.ts';
import { reconciliationCapabilities } from './reconciliation/capabilities.ts';
import { reconciliationQueryResolvers, reconciliationTypeResolvers } from './reconciliation/resolvers.ts';
import { processQueryResolvers, processTypeResolvers } from './process/resolvers.ts';
import { webhookCapabilities } from './webhooks/capabilities.ts';
import { webhookQueryResolvers, webhookTypeResolvers } from './webhooks/resolvers.ts';

export const integrationResolvers: GraphQLResolverMap<IntegrationContext> = {
  ...scalarResolvers,
  Query: {
    ...processQueryResolvers,
    ...billingRunQueryResolvers,
    ...deadLetterQueryResolvers,
    ...reconciliationQueryResolvers,
    ...webhookQueryResolvers,
    ...crosswalkQueryResolvers,
    integrationAuditLog: auditLog,
  },
  Mutation: capabilityResolvers<IntegrationPorts, IntegrationContext>('integration', {
    ...processCapabilities,
    ...billingRunCapabilities,
    ...deadLetterCapabilities,
    ...reconciliationCapabilities,
    ...webhookCapabilities,
    ...crosswalkCapabilities,
  }),
  AuditEntry: auditEntryResolvers,
  ...processTypeResolvers,
  ...billingRunTypeResolvers,
  ...cashTypeResolvers,
  ...deadLetterTypeResolvers,
  ...reconciliationTypeResolvers,
  ...webhookTypeResolvers,
  ...crosswalkTypeResolvers,
  // Entities several areas extend: each keeps the others' fields.
  Account: { ...cashTypeResolvers.Account, ...crosswalkTypeResolvers.Account },
  Opportunity: { ...(processTypeResolvers as unknown as Record<string, object>).Opportunity, ...crosswalkTypeResolvers.Opportunity },
};
