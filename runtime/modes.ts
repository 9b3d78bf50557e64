/**
 * Tessera's run modes, one composition root each. A mode may be listed as a seat (`root: null`)
 * before its root exists: the CLI then refuses it plainly (RunModeNotAvailable) instead of failing.
 */
export interface RunMode {
  readonly name: string;
  /** How the CLI starts it. */
  readonly command: string;
  /** Its composition root, or null while it is only a seat. */
  readonly root: string | null;
  readonly summary: string;
}

export const RUN_MODES = [
  {
    name: 'embedded',
    command: 'tessera start',
    root: 'runtime/embedded.ts',
    summary: 'every system, the gateway and the IDE in one process',
  },
  {
    name: 'system',
    command: 'tessera serve <system>',
    root: 'runtime/systemService.ts',
    summary: 'one system and its subgraph on its own port',
  },
  {
    name: 'gateway',
    command: 'tessera serve gateway --remote',
    root: 'runtime/gateway.ts',
    summary: 'the gateway alone; every system over HTTP',
  },
  {
    name: 'relay',
    command: 'tessera serve relay',
    root: 'runtime/relay.ts',
    summary: "publishes the systems' outbox events to NATS JetStream",
  },
  {
    name: 'registry',
    command: 'tessera serve registry',
    root: 'runtime/registry.ts',
    summary: "serves and checks the schema versions: its HTTP API and the architects' page",
  },
] as const satisfies readonly RunMode[];

export type RunModeName = (typeof RUN_MODES)[number]['name'];

/** Thrown for a run mode whose composition root does not exist yet. */
export class RunModeNotAvailable extends Error {
  constructor(readonly mode: RunMode) {
    super(`the ${mode.name} mode (${mode.summary}) is not available yet: it has a place in runtime/modes.ts, not a composition root`);
    this.name = 'RunModeNotAvailable';
  }
}

/** The mode named `name` if it can run; throws RunModeNotAvailable for a seat without a root. */
export function availableMode(name: RunModeName): RunMode {
  const mode: RunMode = RUN_MODES.find((candidate) => candidate.name === name)!;
  if (mode.root === null) throw new RunModeNotAvailable(mode);
  return mode;
}
