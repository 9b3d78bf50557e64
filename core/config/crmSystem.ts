/**
 * Which system of record the CRM subgraph runs on (docs/connectors.md#choosing-the-crm):
 * - `TESSERA_CRM_SYSTEM` (`sql`): `sql` (the built-in reference system), `salesforce`, `hubspot`, or
 *   `both` (an acquired firm's HubSpot beside the parent's Salesforce, under the crosswalk).
 * Each vendor's own variables are read only when it is chosen (`salesforce.ts`); set without it, they are refused,
 * so a half-configured switch is noticed at start.
 */
import { oneOf } from './parse.ts';
import { HUBSPOT_VARIABLES, readHubSpotConfig, type HubSpotConfig } from './hubspot.ts';
import { readSalesforceConfig, SALESFORCE_VARIABLES, type SalesforceConfig } from './salesforce.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const CRM_SYSTEMS = ['sql', 'salesforce', 'hubspot', 'both'] as const;
export type CrmSystemKind = (typeof CRM_SYSTEMS)[number];

export interface CrmSystemConfig {
  /** `TESSERA_CRM_SYSTEM`. @default 'sql' */
  readonly system: CrmSystemKind;
  /** The org, when `system` is `salesforce` or `both`. */
  readonly salesforce: SalesforceConfig | undefined;
  /** The portal, when `system` is `hubspot` or `both`. */
  readonly hubspot: HubSpotConfig | undefined;
}

export function readCrmSystemConfig(env: Env, production: boolean, cwd: string): CrmSystemConfig {
  const system = oneOf(env, 'TESSERA_CRM_SYSTEM', CRM_SYSTEMS, 'sql');
  const usesSalesforce = system === 'salesforce' || system === 'both';
  if (!usesSalesforce) {
    const stray = SALESFORCE_VARIABLES.find((key) => env[key]?.trim());
    if (stray) throw new TypeError(`${stray} is set but TESSERA_CRM_SYSTEM is ${system}: set TESSERA_CRM_SYSTEM=salesforce (or both)`);
  }
  const usesHubSpot = system === 'hubspot' || system === 'both';
  if (!usesHubSpot) {
    const stray = HUBSPOT_VARIABLES.find((key) => env[key]?.trim());
    if (stray) throw new TypeError(`${stray} is set but TESSERA_CRM_SYSTEM is ${system}: set TESSERA_CRM_SYSTEM=hubspot (or both)`);
  }
  return Object.freeze({
    system,
    salesforce: usesSalesforce ? readSalesforceConfig(env, production, cwd) : undefined,
    hubspot: usesHubSpot ? readHubSpotConfig(env, production, cwd) : undefined,
  });
}
