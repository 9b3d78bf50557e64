/**
 * The variables an operator sets for a HubSpot portal (docs/connectors.md#hubspot), pointing at a
 * stand-in: its URL, the private app's token, and the test portal's pipelines (TEST_PIPELINES)
 * spelled as `TESSERA_HUBSPOT_PIPELINES`. The poll is an hour apart, so only the test (or a
 * webhook) polls after the first round's baseline.
 */
import { TEST_PIPELINES } from './hubspotCrm.ts';
import type { HubSpotStandIn } from './server.ts';

/** TEST_PIPELINES as `TESSERA_HUBSPOT_PIPELINES` spells it: `<pipeline>:<STAGE>=<stageId>,...;...`. */
export const TEST_PIPELINES_VARIABLE = Object.entries(TEST_PIPELINES)
  .map(
    ([pipeline, stages]) =>
      `${pipeline}:${Object.entries(stages)
        .map(([stage, id]) => `${stage}=${id}`)
        .join(',')}`,
  )
  .join(';');

export function hubspotEnvOf(standIn: HubSpotStandIn, token: string): Record<string, string> {
  return {
    TESSERA_HUBSPOT_BASE_URL: standIn.url,
    TESSERA_HUBSPOT_TOKEN: token,
    TESSERA_HUBSPOT_PIPELINES: TEST_PIPELINES_VARIABLE,
    TESSERA_HUBSPOT_POLL_MS: '3600000',
  };
}
