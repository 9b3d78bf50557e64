/**
 * The verbs of `tessera registry` (docs/registry.md#cli): each its usage, its flags and what it
 * asks of the `Registry`. With `--json` a verb prints the registry's own type; otherwise the human
 * form (format.ts). A verb returns its exit code: 0, or 1 when a check failed.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Registry } from '../registry.ts';
import { RegistryError } from '../registryError.ts';
import { composeHeads } from './compose.ts';
import { MANIFEST_VERBS } from './manifestVerbs.ts';
import { CliUsageError } from './usageError.ts';
import {
  formatAudit,
  formatContract,
  formatContracts,
  formatDeprecations,
  formatDiff,
  formatHistory,
  formatPublish,
  formatReport,
  formatUsage,
} from './format.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface VerbInput {
  readonly registry: Registry;
  readonly values: Values;
  readonly json: boolean;
  /** Who acts, for the embedded registry (a remote one records the token's `sub`). */
  readonly author: string;
  readonly stdout: (text: string) => void;
  /** Reads the file named by `--schema`. */
  readonly readSchema: (file: string) => string;
}

export interface Verb {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: Options;
  readonly required: readonly string[];
  /** Flags whose value must be a positive integer. */
  readonly integers: readonly string[];
  run(input: VerbInput): Promise<number>;
}

const string = { type: 'string' } as const;
const SUBGRAPH_SCHEMA = { subgraph: string, schema: string };

const text = (values: Values, name: string): string | undefined => values[name] as string | undefined;
const int = (values: Values, name: string): number | undefined => (values[name] === undefined ? undefined : Number(values[name]));
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const print = (input: VerbInput, value: unknown, human: string) => input.stdout(input.json ? `${JSON.stringify(value, null, 2)}\n` : human);

export const VERBS: readonly Verb[] = [
  {
    name: 'publish',
    usage: 'publish --subgraph NAME --schema FILE [--url URL] [--commit SHA]',
    summary: "checks a subgraph's SDL, then publishes it as its next version",
    options: { ...SUBGRAPH_SCHEMA, url: string, commit: string },
    required: ['subgraph', 'schema'],
    integers: [],
    async run(input) {
      const { values } = input;
      const result = await input.registry.publish({
        subgraph: text(values, 'subgraph')!,
        sdl: input.readSchema(text(values, 'schema')!),
        url: text(values, 'url'),
        commit: text(values, 'commit'),
        author: input.author,
      });
      print(input, result, formatPublish(result, 'published'));
      return 0;
    },
  },
  {
    name: 'check',
    usage: 'check --subgraph NAME --schema FILE [--url URL]',
    summary: "runs every check on a subgraph's SDL against the current state; publishes nothing",
    options: { ...SUBGRAPH_SCHEMA, url: string },
    required: ['subgraph', 'schema'],
    integers: [],
    async run(input) {
      const { values } = input;
      const proposal = { subgraph: text(values, 'subgraph')!, sdl: input.readSchema(text(values, 'schema')!), url: text(values, 'url') };
      const report = await input.registry.check(proposal, input.author);
      print(input, report, formatReport(report));
      return report.passed ? 0 : 1;
    },
  },
  {
    name: 'compose',
    usage: 'compose [--subgraph NAME --schema FILE]',
    summary: 'composes the current heads (one replaced by FILE) and prints the supergraph or the errors; stores nothing',
    options: SUBGRAPH_SCHEMA,
    required: [],
    integers: [],
    async run(input) {
      const subgraph = text(input.values, 'subgraph');
      const schema = text(input.values, 'schema');
      if ((subgraph === undefined) !== (schema === undefined))
        throw new CliUsageError('--subgraph and --schema go together', 'compose [--subgraph NAME --schema FILE]');
      const composition = await composeHeads(input.registry, subgraph ? { subgraph, sdl: input.readSchema(schema!) } : undefined);
      if ('supergraph' in composition) {
        print(input, composition, composition.supergraph.endsWith('\n') ? composition.supergraph : `${composition.supergraph}\n`);
        return 0;
      }
      print(input, composition, `composition failed:\n${composition.errors.map((error) => `- ${error}\n`).join('')}`);
      return 1;
    },
  },
  {
    name: 'diff',
    usage: 'diff --subgraph NAME --from N --to M',
    summary: 'the unified diff of two versions, then the API changes by severity',
    options: { subgraph: string, from: string, to: string },
    required: ['subgraph', 'from', 'to'],
    integers: ['from', 'to'],
    async run(input) {
      const { values } = input;
      const diff = await input.registry.diff(text(values, 'subgraph')!, int(values, 'from')!, int(values, 'to')!);
      print(input, diff, formatDiff(diff));
      return 0;
    },
  },
  {
    name: 'history',
    usage: 'history [--subgraph NAME]',
    summary: 'the published versions, newest first',
    options: { subgraph: string },
    required: [],
    integers: [],
    async run(input) {
      const versions = await input.registry.history(text(input.values, 'subgraph'));
      print(input, versions, formatHistory(versions));
      return 0;
    },
  },
  {
    name: 'rollback',
    usage: 'rollback --subgraph NAME --to N',
    summary: 'publishes version N again, checked like any publish',
    options: { subgraph: string, to: string },
    required: ['subgraph', 'to'],
    integers: ['to'],
    async run(input) {
      const result = await input.registry.rollback({
        subgraph: text(input.values, 'subgraph')!,
        version: int(input.values, 'to')!,
        author: input.author,
      });
      print(input, result, formatPublish(result, 'rolled back'));
      return 0;
    },
  },
  {
    name: 'contract create',
    usage: 'contract create --name NAME [--include TAG,TAG] [--exclude TAG,TAG]',
    summary: 'creates a @tag-filtered contract of the supergraph, composed and checked first',
    options: { name: string, include: string, exclude: string },
    required: ['name'],
    integers: [],
    async run(input) {
      const { values } = input;
      const contract = await input.registry.createContract({
        name: text(values, 'name')!,
        includeTags: list(text(values, 'include')),
        excludeTags: list(text(values, 'exclude')),
        createdBy: input.author,
      });
      print(input, contract, `created contract ${formatContract(contract)}\n`);
      return 0;
    },
  },
  {
    name: 'contract list',
    usage: 'contract list',
    summary: 'the contracts',
    options: {},
    required: [],
    integers: [],
    async run(input) {
      const contracts = await input.registry.contracts();
      print(input, contracts, formatContracts(contracts));
      return 0;
    },
  },
  {
    name: 'supergraph',
    usage: 'supergraph [--contract NAME]',
    summary: "prints the current supergraph (or a contract's)",
    options: { contract: string },
    required: [],
    integers: [],
    async run(input) {
      const contract = text(input.values, 'contract') ?? null;
      const artifact = await input.registry.supergraph(contract);
      if (artifact === null || artifact === 'not-modified') {
        throw new RegistryError('REGISTRY_NO_SUPERGRAPH', 'Nothing has been composed yet: publish every subgraph first.');
      }
      print(input, artifact, artifact.sdl.endsWith('\n') ? artifact.sdl : `${artifact.sdl}\n`);
      return 0;
    },
  },
  {
    name: 'fetch',
    usage: 'fetch --subgraph NAME [--version N]',
    summary: "prints a published SDL (the head's by default), to edit and check",
    options: { subgraph: string, version: string },
    required: ['subgraph'],
    integers: ['version'],
    async run(input) {
      const subgraph = text(input.values, 'subgraph')!;
      let number = int(input.values, 'version');
      if (number === undefined) {
        const summary = (await input.registry.subgraphs()).find(({ name }) => name === subgraph);
        if (!summary) throw new RegistryError('REGISTRY_UNKNOWN_SUBGRAPH', `The registry has no subgraph ${JSON.stringify(subgraph)}.`);
        if (summary.version === null) throw new RegistryError('REGISTRY_VERSION_NOT_FOUND', `${subgraph} has no published version yet.`);
        number = summary.version;
      }
      const version = await input.registry.version(subgraph, number);
      print(input, version, version.sdl.endsWith('\n') ? version.sdl : `${version.sdl}\n`);
      return 0;
    },
  },
  {
    name: 'usage',
    usage: 'usage [--coordinate COORDINATE ...]',
    summary: 'which clients used which coordinates in the usage window',
    options: { coordinate: { type: 'string', multiple: true } },
    required: [],
    integers: [],
    async run(input) {
      const coordinates = input.values.coordinate as string[] | undefined;
      const usage = await input.registry.usage(coordinates);
      print(input, usage, formatUsage(usage));
      return 0;
    },
  },
  {
    name: 'deprecations',
    usage: 'deprecations',
    summary: 'the deprecations of the supergraph with their sunset dates and current use',
    options: {},
    required: [],
    integers: [],
    async run(input) {
      const deprecations = await input.registry.deprecations();
      print(input, deprecations, formatDeprecations(deprecations));
      return 0;
    },
  },
  {
    name: 'audit',
    usage: 'audit [--limit N]',
    summary: 'who did what, newest first',
    options: { limit: string },
    required: [],
    integers: ['limit'],
    async run(input) {
      const entries = await input.registry.audit(int(input.values, 'limit'));
      print(input, entries, formatAudit(entries));
      return 0;
    },
  },
  ...MANIFEST_VERBS,
];
