/**
 * The canonical opportunity stages (docs/state-machines.md#opportunity) with their default probability and forecast
 * category, and the stage value each source CRM stores for them.
 */
export const OPPORTUNITY_STAGE_DEFAULTS: Readonly<Record<string, { readonly probability: number; readonly forecast: string }>> = {
  PROSPECTING: { probability: 10, forecast: 'PIPELINE' },
  QUALIFIED: { probability: 25, forecast: 'PIPELINE' },
  PROPOSAL: { probability: 50, forecast: 'BEST_CASE' },
  NEGOTIATION: { probability: 75, forecast: 'COMMIT' },
  CLOSED_WON: { probability: 100, forecast: 'CLOSED' },
  CLOSED_LOST: { probability: 0, forecast: 'OMITTED' },
};

/** Salesforce `StageName` and HubSpot `dealstage` per canonical stage (default pipelines). */
export const SOURCE_STAGES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  salesforce: {
    PROSPECTING: 'Prospecting',
    QUALIFIED: 'Qualification',
    PROPOSAL: 'Proposal/Price Quote',
    NEGOTIATION: 'Negotiation/Review',
    CLOSED_WON: 'Closed Won',
    CLOSED_LOST: 'Closed Lost',
  },
  hubspot: {
    PROSPECTING: 'appointmentscheduled',
    QUALIFIED: 'qualifiedtobuy',
    PROPOSAL: 'presentationscheduled',
    NEGOTIATION: 'contractsent',
    CLOSED_WON: 'closedwon',
    CLOSED_LOST: 'closedlost',
  },
};

/** The source CRM's value for a canonical stage (its default pipeline); the canonical name if unknown. */
export function sourceStageOf(sourceSystem: string, stage: string): string {
  return SOURCE_STAGES[sourceSystem]?.[stage] ?? stage;
}
