/**
 * Opportunity capabilities (docs/state-machines.md#opportunity, docs/capabilities.md#opportunity-to-project): open, move along
 * the pipeline, close won or lost. Every rule is checked before the one write (a remote CRM cannot roll back).
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { money } from '../../kernel/decimal.ts';
import { checkTotal, hoursInput, moneyInput } from '../../kernel/capability/inputs.ts';
import { seesLegalEntity } from '../../../policies/recordScope.ts';
import type { CrmContext } from '../context.ts';
import type { CrmPorts } from '../ports/ports.ts';
import type { Opportunity } from '../ports/types.ts';
import type { NewOpportunityLine } from '../ports/writePort.ts';
import { OPEN_STAGES, SALES_OPS_ROLE, opportunityMachine, type OpportunityStage } from '../machines.ts';
import { OPPORTUNITY_STAGE_DEFAULTS, sourceStageOf } from '../stages.ts';
import { opportunityEvent } from './events.ts';
import { accountFor, opportunityFor } from './records.ts';
import { knownPsaRoles, legalEntityStatus } from './peerFacts.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<CrmPorts, CrmContext, Input, { opportunity: Opportunity }, Facts>;

interface LineInput {
  serviceOffering: string;
  billingMethod: string;
  amount: string;
  estimatedHours?: string | null;
  startDate: string;
  endDate: string;
  /** The PSA role the line needs (a pre-sales resource request). */
  roleId?: string | null;
}

export const createOpportunity: Handler<
  {
    accountId: string;
    name: string;
    legalEntityId: string;
    currency: string;
    closeDate: string;
    type?: string | null;
    lines: LineInput[];
  },
  { legalEntityStatus: string | null; knownRoles: readonly string[] }
> = {
  async prepare({ input, ctx }) {
    // The legal entity is the ERP's: a hidden one is as unknown as a missing one. Roles are the PSA's.
    const roleIds = [...new Set(input.lines.flatMap((line) => (line.roleId ? [line.roleId] : [])))];
    return {
      legalEntityStatus: seesLegalEntity(ctx.scope, input.legalEntityId) ? await legalEntityStatus(ctx, input.legalEntityId) : null,
      knownRoles: await knownPsaRoles(ctx, roleIds),
    };
  },
  async effect({ input, facts, ports, emit }) {
    const account = await accountFor(ports.read, input.accountId);
    const status = facts.legalEntityStatus;
    if (status === null) throw rejected('NOT_FOUND', `LegalEntity ${JSON.stringify(input.legalEntityId)} was not found.`, 'legalEntityId');
    if (status !== 'ACTIVE') throw rejected('LEGAL_ENTITY_INACTIVE', `Legal entity ${input.legalEntityId} is ${status}.`, 'legalEntityId');
    if (input.name.trim() === '') throw rejected('PRECONDITION_FAILED', 'An opportunity needs a name.', 'name');
    if (input.lines.length === 0) throw rejected('PRECONDITION_FAILED', 'An opportunity needs at least one line.', 'lines');
    const id = newId('opp');
    const lines = input.lines.map((line, index): NewOpportunityLine => {
      const field = `lines.${index}`;
      const amount = moneyInput(line.amount, input.currency, `${field}.amount`);
      if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A line amount must be positive.', `${field}.amount`);
      if (line.endDate < line.startDate) throw rejected('PRECONDITION_FAILED', 'A line ends before it starts.', `${field}.endDate`);
      if (line.roleId && !facts.knownRoles.includes(line.roleId)) throw notFoundRejection('Role', line.roleId, `${field}.roleId`);
      return {
        // Line ids sort in the order the lines were given.
        id: `ol_${id.slice(4)}_${String(index).padStart(3, '0')}`,
        serviceOffering: line.serviceOffering,
        billingMethod: line.billingMethod,
        amountE4: amount,
        estimatedHoursE2: line.estimatedHours ? hoursInput(line.estimatedHours, `${field}.estimatedHours`) : null,
        startDate: line.startDate,
        endDate: line.endDate,
        roleId: line.roleId ?? null,
      };
    });
    const amount = checkTotal(
      lines.reduce((sum, line) => sum + line.amountE4, 0),
      input.currency,
      'lines',
    );
    const stage = 'PROSPECTING';
    const defaults = OPPORTUNITY_STAGE_DEFAULTS[stage]!;
    const opportunity = await ports.write.openOpportunity(
      {
        id,
        accountId: account.id,
        name: input.name.trim(),
        stage,
        sourceStage: sourceStageOf(account.source.system, stage),
        probability: defaults.probability,
        forecastCategory: defaults.forecast,
        type: input.type ?? 'NEW_BUSINESS',
        amount: { amountE4: amount, currency: input.currency },
        closeDate: input.closeDate,
        lossReason: null,
        legalEntityId: input.legalEntityId,
        primaryContactId: null,
        // The reference CRM is the source system here: it assigns the record's id.
        source: { system: account.source.system, id },
      },
      lines,
    );
    emit(opportunityEvent('OpportunityCreated', opportunity, { accountId: account.id, amount: moneyOf(opportunity) }));
    return { opportunity };
  },
};

export const updateOpportunityStage: Handler<{ opportunityId: string; expectedVersion: number; stage: OpportunityStage }> = {
  async effect({ input, ports, emit, principal }) {
    const current = await expectedOpportunity(ports, input);
    if (!OPEN_STAGES.has(input.stage)) {
      throw rejected('INVALID_STATE_TRANSITION', `Use closeWinOpportunity or closeLoseOpportunity to close an opportunity.`, 'stage');
    }
    const warning = guardStage(current, input.stage, 'updateOpportunityStage');
    if (warning) return { opportunity: current, warnings: [warning] };
    if (current.stage === 'CLOSED_LOST' && !principal.roles.includes(SALES_OPS_ROLE)) {
      throw rejected('FORBIDDEN', `Reopening a lost opportunity needs the ${SALES_OPS_ROLE} role.`, 'stage');
    }
    const opportunity = await moveTo(ports, current, input.stage, { lossReason: null });
    emit(opportunityEvent('OpportunityStageChanged', opportunity, { from: current.stage, to: input.stage }));
    return { opportunity };
  },
};

export const closeWinOpportunity: Handler<{ opportunityId: string; expectedVersion: number }> = {
  async effect({ input, ports, emit, now }) {
    const current = await expectedOpportunity(ports, input);
    const warning = guardStage(current, 'CLOSED_WON', 'closeWinOpportunity');
    if (warning) return { opportunity: current, warnings: [warning] };
    if (current.amount.amountE4 <= 0) throw rejected('PRECONDITION_FAILED', 'A won opportunity needs a positive amount.', 'opportunityId');
    const lines = await ports.read.opportunityLinesByOpportunityIds([current.id]);
    if (lines.length === 0)
      throw rejected('PRECONDITION_FAILED', 'A won opportunity needs at least one line with a billing method.', 'opportunityId');
    // Won today: the close date records when it was won.
    const opportunity = await moveTo(ports, current, 'CLOSED_WON', {
      lossReason: current.lossReason,
      closeDate: now.toISOString().slice(0, 10),
    });
    emit(opportunityEvent('OpportunityWon', opportunity, { accountId: current.accountId, amount: moneyOf(current) }));
    return { opportunity };
  },
};

export const closeLoseOpportunity: Handler<{ opportunityId: string; expectedVersion: number; lossReason: string }> = {
  async effect({ input, ports, emit, now }) {
    const current = await expectedOpportunity(ports, input);
    const warning = guardStage(current, 'CLOSED_LOST', 'closeLoseOpportunity');
    if (warning) return { opportunity: current, warnings: [warning] };
    const reason = input.lossReason.trim();
    if (reason === '') throw rejected('LOSS_REASON_REQUIRED', 'Say why the opportunity was lost.', 'lossReason');
    const opportunity = await moveTo(ports, current, 'CLOSED_LOST', { lossReason: reason, closeDate: now.toISOString().slice(0, 10) });
    emit(opportunityEvent('OpportunityLost', opportunity, { lossReason: reason }));
    return { opportunity };
  },
};

/** The opportunity `input` names, at the version it expects. */
async function expectedOpportunity(ports: CrmPorts, input: { opportunityId: string; expectedVersion: number }): Promise<Opportunity> {
  const current = await opportunityFor(ports.read, input.opportunityId);
  checkVersion('Opportunity', current.aggregateVersion, input.expectedVersion, { required: true });
  return current;
}

/**
 * The opportunity's move to `stage` by `capability`, checked against its machine (docs/state-machines.md#opportunity):
 * the ALREADY_IN_STATE warning when it is there already, INVALID_STATE_TRANSITION when the move is not allowed.
 */
function guardStage(current: Opportunity, stage: OpportunityStage, capability: string) {
  return guardTransition('Opportunity', opportunityMachine, current.stage as OpportunityStage, stage, capability);
}

/**
 * The stage's source value, probability and forecast category follow the stage. The source value is
 * the opportunity's own CRM's: after a merge its account may be another CRM's (docs/crosswalk.md#writes-after-a-merge).
 */
async function moveTo(
  ports: CrmPorts,
  current: Opportunity,
  stage: OpportunityStage,
  extra: { readonly lossReason: string | null; readonly closeDate?: string },
): Promise<Opportunity> {
  const defaults = OPPORTUNITY_STAGE_DEFAULTS[stage]!;
  return ports.write.moveOpportunityStage(current, {
    stage,
    sourceStage: sourceStageOf(current.source.system, stage),
    probability: defaults.probability,
    forecastCategory: defaults.forecast,
    ...extra,
  });
}

export function moneyOf(opportunity: Opportunity) {
  return money(opportunity.amount.amountE4, opportunity.amount.currency);
}
