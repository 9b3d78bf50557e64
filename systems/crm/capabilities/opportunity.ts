/** Opportunity capabilities (docs/state-machines.md#opportunity, docs/capabilities.md#opportunity-to-project): open, move along the pipeline, close won or lost. */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { money } from '../../kernel/decimal.ts';
import { checkTotal, hoursInput, moneyInput } from '../../kernel/capability/inputs.ts';
import { seesLegalEntity } from '../../../policies/recordScope.ts';
import type { CrmContext } from '../resolvers.ts';
import type { CrmTables, OpportunityRow } from '../tables.ts';
import { OPEN_STAGES, SALES_OPS_ROLE, opportunityMachine, type OpportunityStage } from '../machines.ts';
import { OPPORTUNITY_STAGE_DEFAULTS, sourceStageOf } from '../stages.ts';
import { accountFor, opportunityFor, reloadOpportunity, type CrmTrx } from './records.ts';
import { legalEntityStatus } from './peerFacts.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<CrmTables, CrmContext, Input, { opportunity: OpportunityRow }, Facts>;

interface LineInput {
  serviceOffering: string;
  billingMethod: string;
  amount: string;
  estimatedHours?: string | null;
  startDate: string;
  endDate: string;
}

export const createOpportunity: Handler<{
  accountId: string; name: string; legalEntityId: string; currency: string; closeDate: string; type?: string | null; lines: LineInput[];
}, { legalEntityStatus: string | null }> = {
  async prepare({ input, ctx }) {
    // The legal entity is the ERP's: a hidden one is as unknown as a missing one.
    return { legalEntityStatus: seesLegalEntity(ctx.scope, input.legalEntityId) ? await legalEntityStatus(ctx, input.legalEntityId) : null };
  },
  async effect({ input, facts, trx, emit, ctx }) {
    const account = await accountFor(trx, ctx.scope, input.accountId);
    const status = facts.legalEntityStatus;
    if (status === null) throw rejected('NOT_FOUND', `LegalEntity ${JSON.stringify(input.legalEntityId)} was not found.`, 'legalEntityId');
    if (status !== 'ACTIVE') throw rejected('LEGAL_ENTITY_INACTIVE', `Legal entity ${input.legalEntityId} is ${status}.`, 'legalEntityId');
    if (input.name.trim() === '') throw rejected('PRECONDITION_FAILED', 'An opportunity needs a name.', 'name');
    if (input.lines.length === 0) throw rejected('PRECONDITION_FAILED', 'An opportunity needs at least one line.', 'lines');
    const id = newId('opp');
    const lines = input.lines.map((line, index) => {
      const field = `lines.${index}`;
      const amount = moneyInput(line.amount, input.currency, `${field}.amount`);
      if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A line amount must be positive.', `${field}.amount`);
      if (line.endDate < line.startDate) throw rejected('PRECONDITION_FAILED', 'A line ends before it starts.', `${field}.endDate`);
      return {
        // Line ids sort in the order the lines were given.
        id: `ol_${id.slice(4)}_${String(index).padStart(3, '0')}`,
        service_offering: line.serviceOffering,
        billing_method: line.billingMethod,
        amount_e4: amount,
        estimated_hours_e2: line.estimatedHours ? hoursInput(line.estimatedHours, `${field}.estimatedHours`) : null,
        start_date: line.startDate,
        end_date: line.endDate,
      };
    });
    const amount = checkTotal(lines.reduce((sum, line) => sum + line.amount_e4, 0), input.currency, 'lines');
    const stage = 'PROSPECTING';
    const defaults = OPPORTUNITY_STAGE_DEFAULTS[stage]!;
    await trx
      .insertInto('opportunities')
      .values({
        id, account_id: account.id, name: input.name.trim(), stage, source_stage: sourceStageOf(account.source_system, stage),
        probability: defaults.probability, forecast_category: defaults.forecast, type: input.type ?? 'NEW_BUSINESS',
        amount_e4: amount, currency: input.currency, close_date: input.closeDate,
        loss_reason: null, legal_entity_id: input.legalEntityId, primary_contact_id: null,
        // The reference CRM is the source system here: it assigns the record's id.
        source_system: account.source_system, source_id: id, aggregate_version: 1,
      })
      .execute();
    await trx.insertInto('opportunity_lines').values(lines.map((line) => ({ ...line, opportunity_id: id }))).execute();
    const opportunity = await reloadOpportunity(trx, id);
    emit(opportunityEvent('OpportunityCreated', opportunity, { accountId: account.id, amount: money(opportunity.amount_e4, opportunity.currency) }));
    return { opportunity };
  },
};

export const updateOpportunityStage: Handler<{ opportunityId: string; expectedVersion: number; stage: OpportunityStage }> = {
  async effect({ input, trx, emit, ctx, principal }) {
    const row = await opportunityFor(trx, ctx.scope, input.opportunityId);
    checkVersion('Opportunity', row.aggregate_version, input.expectedVersion, { required: true });
    if (!OPEN_STAGES.has(input.stage)) {
      throw rejected('INVALID_STATE_TRANSITION', `Use closeWinOpportunity or closeLoseOpportunity to close an opportunity.`, 'stage');
    }
    const warning = guardTransition('Opportunity', opportunityMachine, row.stage as OpportunityStage, input.stage, 'updateOpportunityStage');
    if (warning) return { opportunity: row, warnings: [warning] };
    if (row.stage === 'CLOSED_LOST' && !principal.roles.includes(SALES_OPS_ROLE)) {
      throw rejected('FORBIDDEN', `Reopening a lost opportunity needs the ${SALES_OPS_ROLE} role.`, 'stage');
    }
    const opportunity = await moveTo(trx, row, input.stage, { loss_reason: null });
    emit(opportunityEvent('OpportunityStageChanged', opportunity, { from: row.stage, to: input.stage }));
    return { opportunity };
  },
};

export const closeWinOpportunity: Handler<{ opportunityId: string; expectedVersion: number }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const row = await opportunityFor(trx, ctx.scope, input.opportunityId);
    checkVersion('Opportunity', row.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('Opportunity', opportunityMachine, row.stage as OpportunityStage, 'CLOSED_WON', 'closeWinOpportunity');
    if (warning) return { opportunity: row, warnings: [warning] };
    if (row.amount_e4 <= 0) throw rejected('PRECONDITION_FAILED', 'A won opportunity needs a positive amount.', 'opportunityId');
    const lines = await trx.selectFrom('opportunity_lines').select(['billing_method']).where('opportunity_id', '=', row.id).execute();
    if (lines.length === 0) throw rejected('PRECONDITION_FAILED', 'A won opportunity needs at least one line with a billing method.', 'opportunityId');
    // Won today: the close date records when it was won.
    const opportunity = await moveTo(trx, row, 'CLOSED_WON', { close_date: now.toISOString().slice(0, 10) });
    emit(opportunityEvent('OpportunityWon', opportunity, { accountId: row.account_id, amount: money(row.amount_e4, row.currency) }));
    return { opportunity };
  },
};

export const closeLoseOpportunity: Handler<{ opportunityId: string; expectedVersion: number; lossReason: string }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const row = await opportunityFor(trx, ctx.scope, input.opportunityId);
    checkVersion('Opportunity', row.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('Opportunity', opportunityMachine, row.stage as OpportunityStage, 'CLOSED_LOST', 'closeLoseOpportunity');
    if (warning) return { opportunity: row, warnings: [warning] };
    const reason = input.lossReason.trim();
    if (reason === '') throw rejected('LOSS_REASON_REQUIRED', 'Say why the opportunity was lost.', 'lossReason');
    const opportunity = await moveTo(trx, row, 'CLOSED_LOST', { loss_reason: reason, close_date: now.toISOString().slice(0, 10) });
    emit(opportunityEvent('OpportunityLost', opportunity, { lossReason: reason }));
    return { opportunity };
  },
};

async function moveTo(trx: CrmTrx, row: OpportunityRow, stage: OpportunityStage, extra: Partial<OpportunityRow>): Promise<OpportunityRow> {
  const account = await trx.selectFrom('accounts').select('source_system').where('id', '=', row.account_id).executeTakeFirstOrThrow();
  const defaults = OPPORTUNITY_STAGE_DEFAULTS[stage]!;
  await updateAggregate(trx, 'opportunities', 'Opportunity', row, {
    stage,
    source_stage: sourceStageOf(account.source_system, stage),
    probability: defaults.probability,
    forecast_category: defaults.forecast,
    ...extra,
  });
  return reloadOpportunity(trx, row.id);
}

function opportunityEvent(type: string, row: OpportunityRow, payload: Record<string, unknown>) {
  return aggregateEvent(type, 'Opportunity', row, row.legal_entity_id, { opportunityId: row.id, stage: row.stage, ...payload });
}
