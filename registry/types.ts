/**
 * The schema registry's vocabulary (docs/registry.md): published subgraph versions, composed
 * supergraphs, check reports, schema changes, usage and contracts. Plain data, shared by the
 * service, its store, its checks, its HTTP API, the CLI and the architects' page; the JSON the
 * HTTP API sends is exactly these shapes.
 */

/** What the registry knows of a subgraph before anything is published: its name, system and default URL. */
export interface SubgraphDeclaration {
  readonly name: string;
  /** The system of record the subgraph is the system API of (the ownership rule); null for a subgraph of no system. */
  readonly system: 'CRM' | 'PSA' | 'ERP' | 'INTEGRATION' | null;
  /** Where the gateway reaches it unless a publish gives another URL. */
  readonly url: string;
}

/** One published version of one subgraph's SDL. Versions count from 1 per subgraph, without gaps. */
export interface SchemaVersion {
  readonly subgraph: string;
  readonly version: number;
  readonly sdl: string;
  /** sha256 of the SDL, hex. */
  readonly sdlHash: string;
  readonly url: string;
  /** Who published it: the token's `sub` (`system:tessera-start` for `npm start`). */
  readonly author: string;
  /** The VCS commit the SDL came from, when the publisher said. */
  readonly commit: string | null;
  /** ISO timestamp. */
  readonly publishedAt: string;
  /** Set when this version was a rollback: the version whose SDL it republished. */
  readonly rolledBackFrom: number | null;
}

/** A subgraph and its current (head) version; `version` is null before its first publish. */
export interface SubgraphSummary {
  readonly name: string;
  readonly system: SubgraphDeclaration['system'];
  readonly url: string;
  readonly version: number | null;
  readonly publishedAt: string | null;
  readonly author: string | null;
}

/**
 * A composed supergraph (the full graph, or one contract's), as the gateway loads it. `id` counts
 * up by one per composition of that graph; `etag` is the quoted sha256 of the SDL (HTTP ETag).
 */
export interface SupergraphArtifact {
  /** `null` for the full graph, else the contract's name. */
  readonly contract: string | null;
  readonly id: number;
  readonly sdl: string;
  readonly etag: string;
  readonly composedAt: string;
  /** The subgraph versions it was composed from, by subgraph name. */
  readonly subgraphVersions: Readonly<Record<string, number>>;
}

export type ChangeSeverity = 'BREAKING' | 'DANGEROUS' | 'SAFE';

/**
 * One difference between two API schemas (what clients see: federation internals and
 * `@inaccessible` elements excluded). Coordinates follow the GraphQL schema-coordinate spec:
 * `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`, `@directive`.
 */
export interface SchemaChange {
  readonly severity: ChangeSeverity;
  /** Stable code: `FIELD_REMOVED`, `FIELD_TYPE_CHANGED`, `ARG_ADDED_REQUIRED`, `ENUM_VALUE_REMOVED`, ... (docs/registry.md#changes). */
  readonly kind: string;
  readonly coordinate: string;
  /** An actionable sentence: what changed, and why it matters to a client. */
  readonly message: string;
  /**
   * The usage coordinates (as the gateway records them) whose use in the window means a client is
   * affected; empty for a SAFE change. A breaking change none of them was used for passes the usage check.
   */
  readonly usageCoordinates: readonly string[];
}

/** The checks a proposed schema goes through, in the order they run (docs/registry.md#checks). */
export const CHECK_NAMES = ['composition', 'changes', 'usage', 'governance', 'sunset', 'contracts'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One client's recorded use of a coordinate. */
export interface ClientUsage {
  readonly clientId: string;
  /** Operations that used it in the window. */
  readonly count: number;
  /** ISO timestamp of the last recorded use. */
  readonly lastUsedAt: string;
}

/** One thing a check found. `error` fails the check; `warning` and `info` are listed and pass. */
export interface Finding {
  /** Stable rule code (docs/registry.md#rules): `COMPOSITION_ERROR`, `BREAKING_CHANGE_IN_USE`, `OWNER_MISSING`, ... */
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  /** The schema coordinate it is about, when there is one. */
  readonly coordinate: string | null;
  /** The subgraph it is about, when it is known. */
  readonly subgraph: string | null;
  /** What is wrong and what to do about it, in one or two sentences. */
  readonly message: string;
  /** For usage and sunset findings: the clients that used the coordinate in the window. */
  readonly clients?: readonly ClientUsage[];
}

export interface CheckSection {
  readonly name: CheckName;
  /** No `error` finding. A section that could not run (composition failed first) is `passed: false` with a finding saying so. */
  readonly passed: boolean;
  readonly findings: readonly Finding[];
}

/** The report of a `check` (and of the checks before every `publish`). */
export interface CheckReport {
  /** Set once stored: `GET /registry/checks/:id`. */
  readonly id: number | null;
  readonly subgraph: string;
  readonly passed: boolean;
  /** The head version the proposal was compared with; null when the subgraph had none. */
  readonly baseVersion: number | null;
  /** sha256 of the proposed SDL. */
  readonly sdlHash: string;
  readonly author: string;
  readonly checkedAt: string;
  /** One per check name, in `CHECK_NAMES` order. */
  readonly sections: readonly CheckSection[];
  /** Every change of the API schema against the current supergraph, listed apart by severity. */
  readonly changes: {
    readonly breaking: readonly SchemaChange[];
    readonly dangerous: readonly SchemaChange[];
    readonly safe: readonly SchemaChange[];
  };
}

/** The outcome of a publish that passed its checks. */
export interface PublishResult {
  /** False when the SDL and URL equal the head's: nothing was stored, `version` is the head. */
  readonly published: boolean;
  readonly version: SchemaVersion;
  readonly supergraph: SupergraphArtifact;
  readonly report: CheckReport;
}

/** A `@tag`-filtered variant of the supergraph (Apollo-style contract semantics, docs/registry.md#contracts). */
export interface Contract {
  readonly name: string;
  /** Keep only elements carrying one of these tags (and what they need); empty keeps everything not excluded. */
  readonly includeTags: readonly string[];
  /** Remove elements carrying any of these tags. */
  readonly excludeTags: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
}

/** A batch of usage from one gateway: per client and coordinate, how many operations used it and when last. */
export interface UsageBatch {
  readonly entries: readonly UsageEntry[];
}

export interface UsageEntry {
  readonly clientId: string;
  readonly coordinate: string;
  readonly count: number;
  /** ISO timestamp of the last use in the batch. */
  readonly lastUsedAt: string;
}

/** Who used a coordinate in the window. */
export interface CoordinateUsage {
  readonly coordinate: string;
  readonly clients: readonly ClientUsage[];
}

/** A deprecated field, enum value, argument or capability of the current supergraph, with its sunset and its use. */
export interface Deprecation {
  readonly coordinate: string;
  readonly reason: string;
  /** ISO date parsed from the reason (`sunset YYYY-MM-DD`, see checks/sunsetDate.ts); null when the reason has none. */
  readonly sunsetAt: string | null;
  readonly subgraph: string | null;
  readonly clients: readonly ClientUsage[];
}

/** One line of the registry's audit trail: who did what, when. */
export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  /** `publish`, `rollback`, `check`, `contract.create`, `publish.refused`. */
  readonly action: string;
  readonly subgraph: string | null;
  readonly version: number | null;
  readonly detail: string;
}
