/** What every part of the in-process registry service works with: its store, its limits, its clock. */
import type { Logger } from '../../core/logger.ts';
import type { RegistryDb } from '../store/tables.ts';
import type { SubgraphDeclaration, SupergraphArtifact } from '../types.ts';
import type { ValidationLimits } from './validate.ts';

export interface ServiceContext extends ValidationLimits {
  readonly db: RegistryDb;
  /** In composition order. */
  readonly declarationList: readonly SubgraphDeclaration[];
  readonly clock: () => Date;
  readonly usageWindowDays: number;
  readonly logger: Logger;
  /** Tells the `onPublish` listeners about newly committed supergraphs. */
  readonly notify: (artifacts: readonly SupergraphArtifact[]) => void;
}

/** The ISO date of `at` (UTC), what sunsets are compared with. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
