/**
 * Deal pipelines and stages mapped to the canonical opportunity stages by configuration
 * (docs/connectors.md#hubspot): each pipeline names its stage id for every canonical stage. The
 * probability comes from the stage's own metadata in the portal (`metadata.probability`, 0 to 1,
 * from the pipelines API), the forecast category from the canonical stage
 * (docs/state-machines.md#opportunity).
 */
import type { PipelineStages } from '../../../../core/config/hubspot.ts';
import { OPPORTUNITY_STAGE_DEFAULTS, SOURCE_STAGES } from '../../stages.ts';

/** Canonical stage → stage id, per pipeline id (TESSERA_HUBSPOT_PIPELINES, core/config/hubspot.ts). */
export type { PipelineStages };

/** HubSpot's default sales pipeline with its default stage ids. */
export const DEFAULT_PIPELINES: PipelineStages = { default: SOURCE_STAGES.hubspot! };

export interface DealStage {
  readonly pipeline: string;
  readonly stageId: string;
  readonly stage: string;
  readonly probability: number;
  readonly forecastCategory: string;
}

/** A pipeline from `GET /crm/v3/pipelines/deals`, as much of it as the mapping reads. */
export interface PipelineDefinition {
  readonly id: string;
  readonly stages: readonly { readonly id: string; readonly metadata: Readonly<Record<string, string>> }[];
}

export class StageMap {
  private readonly byStageId = new Map<string, DealStage>();

  constructor(
    private readonly pipelines: PipelineStages,
    definitions: readonly PipelineDefinition[],
  ) {
    for (const [pipeline, stages] of Object.entries(pipelines)) {
      const missing = Object.keys(OPPORTUNITY_STAGE_DEFAULTS).filter((stage) => !stages[stage]);
      if (missing.length) throw new Error(`TESSERA_HUBSPOT_PIPELINES: pipeline ${pipeline} maps no stage id to ${missing.join(', ')}`);
      const definition = definitions.find((candidate) => candidate.id === pipeline);
      if (!definition) throw new Error(`HubSpot has no deal pipeline ${JSON.stringify(pipeline)} (TESSERA_HUBSPOT_PIPELINES)`);
      for (const [stage, stageId] of Object.entries(stages)) {
        const defaults = OPPORTUNITY_STAGE_DEFAULTS[stage];
        if (!defaults) throw new Error(`${JSON.stringify(stage)} is not a canonical opportunity stage (TESSERA_HUBSPOT_PIPELINES)`);
        const found = definition.stages.find((candidate) => candidate.id === stageId);
        if (!found) throw new Error(`HubSpot pipeline ${pipeline} has no stage ${JSON.stringify(stageId)} (TESSERA_HUBSPOT_PIPELINES)`);
        const probability = Math.round(Number(found.metadata.probability ?? defaults.probability / 100) * 100);
        this.byStageId.set(stageId, { pipeline, stageId, stage, probability, forecastCategory: defaults.forecast });
      }
    }
  }

  /** The canonical stage of a deal stage id; an unmapped id is a configuration the portal outgrew. */
  of(stageId: string): DealStage {
    const found = this.byStageId.get(stageId);
    if (!found)
      throw new Error(`HubSpot deal stage ${JSON.stringify(stageId)} is mapped to no canonical stage (TESSERA_HUBSPOT_PIPELINES)`);
    return found;
  }

  /** The mapped stage whose id is `stageId`, if any. */
  find(stageId: string): DealStage | null {
    return this.byStageId.get(stageId) ?? null;
  }

  /** The stage ids, of every pipeline, that map to one of `stages` (a search's `dealstage IN` values). */
  stageIdsOf(stages: readonly string[]): string[] {
    return [...this.byStageId.values()].filter((mapped) => stages.includes(mapped.stage)).map((mapped) => mapped.stageId);
  }

  /** The stage id of `stage` in `pipeline`. */
  idOf(pipeline: string, stage: string): string {
    const id = this.pipelines[pipeline]?.[stage];
    if (!id) throw new Error(`HubSpot pipeline ${JSON.stringify(pipeline)} maps no stage to ${stage} (TESSERA_HUBSPOT_PIPELINES)`);
    return id;
  }

  /** The pipeline a new deal goes to: the first configured. */
  get defaultPipeline(): string {
    return Object.keys(this.pipelines)[0]!;
  }
}
