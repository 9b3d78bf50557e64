/**
 * The org's sales process as canonical stages (docs/connectors.md#stages): `StageName` → stage, from
 * `TESSERA_SALESFORCE_STAGES` or the default process (systems/crm/stages.ts). A stage name the
 * mapping does not know reads by Salesforce's own flags: `IsWon` CLOSED_WON, `IsClosed` CLOSED_LOST,
 * otherwise PROSPECTING. A canonical stage is written as the first `StageName` mapped to it.
 */
import { OPPORTUNITY_STAGE_DEFAULTS, SOURCE_STAGES } from '../../stages.ts';
import { at, type FieldCodec, type SfRecord } from './fieldCodecs.ts';
import { literal } from './soql.ts';

/**
 * The canonical stage as Tessera last wrote it (a capability, or the change capture adopting a move):
 * a `StageName` that no longer means it was moved in Salesforce (opportunityChanges.ts).
 */
export const WRITTEN_STAGE = 'Tessera_Stage__c';

export interface StageMapping {
  /** The canonical stage of a query record (reads StageName, IsClosed, IsWon). */
  readonly codec: FieldCodec<string>;
  /**
   * The stage value in the source CRM: `StageName`, or, for a record imported from another CRM
   * (`Tessera_Source__c` names another system), that CRM's value kept in `Tessera_Source_Stage__c`. A move
   * of the stage in Salesforce clears it (the change capture does, changeStreams.ts), so `StageName` is
   * then the answer. Written as `Tessera_Source_Stage__c`; `StageName` is the stage's to write.
   */
  readonly sourceStageCodec: FieldCodec<string>;
  /** The StageName a canonical stage is written as. */
  stageNameOf(stage: string): string;
  /** A SOQL condition true of exactly the records whose canonical stage (`codec.read`) is one of `stages`. */
  whereStage(stages: readonly string[]): string;
}

export function stageMapping(configured: Readonly<Record<string, string>> | undefined): StageMapping {
  const byName: Readonly<Record<string, string>> =
    configured ?? Object.fromEntries(Object.entries(SOURCE_STAGES.salesforce!).map(([stage, name]) => [name, stage]));
  const unknown = Object.values(byName).filter((stage) => !(stage in OPPORTUNITY_STAGE_DEFAULTS));
  if (unknown.length > 0) {
    throw new TypeError(
      `TESSERA_SALESFORCE_STAGES names ${unknown.join(', ')}, not canonical stages (${Object.keys(OPPORTUNITY_STAGE_DEFAULTS).join(', ')})`,
    );
  }
  const missing = Object.keys(OPPORTUNITY_STAGE_DEFAULTS).filter((stage) => !Object.values(byName).includes(stage));
  if (missing.length > 0) throw new TypeError(`TESSERA_SALESFORCE_STAGES names no StageName for ${missing.join(', ')}`);
  const nameOf = new Map<string, string>();
  for (const [name, stage] of Object.entries(byName)) if (!nameOf.has(stage)) nameOf.set(stage, name);
  const stageOf = (record: SfRecord) => {
    const mapped = byName[String(at(record, 'StageName'))];
    if (mapped) return mapped;
    return at(record, 'IsWon') === true ? 'CLOSED_WON' : at(record, 'IsClosed') === true ? 'CLOSED_LOST' : 'PROSPECTING';
  };
  return {
    codec: {
      select: ['StageName', 'IsClosed', 'IsWon', WRITTEN_STAGE],
      read: stageOf,
      write: (stage) => ({ StageName: nameOf.get(stage) ?? stage, [WRITTEN_STAGE]: stage }),
    },
    sourceStageCodec: {
      select: ['StageName', 'IsClosed', 'IsWon', 'Tessera_Source_Stage__c', 'Tessera_Source__c'],
      read: (record) => {
        const kept = at(record, 'Tessera_Source_Stage__c');
        const system = String(at(record, 'Tessera_Source__c') ?? 'salesforce:').split(':')[0]!;
        if (typeof kept === 'string' && kept !== '' && system !== 'salesforce') return kept;
        return String(at(record, 'StageName'));
      },
      write: (sourceStage) => ({ Tessera_Source_Stage__c: sourceStage }),
    },
    stageNameOf: (stage) => nameOf.get(stage) ?? stage,
    whereStage: (stages) => {
      const quote = (names: readonly string[]) => names.map(literal).join(',');
      const named = Object.keys(byName).filter((name) => stages.includes(byName[name]!));
      // A name the mapping does not know reads by the org's flags (stageOf): the same rule as conditions.
      const unnamed = `StageName NOT IN (${quote(Object.keys(byName))})`;
      const byFlags: Readonly<Record<string, string>> = {
        CLOSED_WON: 'IsWon = true',
        CLOSED_LOST: 'IsClosed = true AND IsWon = false',
        PROSPECTING: 'IsClosed = false',
      };
      const parts = [
        ...(named.length ? [`StageName IN (${quote(named)})`] : []),
        ...stages.flatMap((stage) => (byFlags[stage] ? [`(${unnamed} AND ${byFlags[stage]})`] : [])),
      ];
      return parts.length ? parts.join(' OR ') : 'Id = null';
    },
  };
}
