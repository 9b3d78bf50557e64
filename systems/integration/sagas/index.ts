/** Every saga the integration system runs (docs/processes.md#sagas). */
import type { SagaDefinition } from '../process/definition.ts';
import { opportunityToProject } from './opportunityToProject.ts';

export const SAGAS: readonly SagaDefinition[] = [opportunityToProject];
