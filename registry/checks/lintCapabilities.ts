/**
 * The capability rules of the governance lint (docs/registry.md#rules), on the composed supergraph:
 * CAPABILITY_NAMING (`<system>.<verbNoun>`, field `verbNoun` for version 1 and `verbNounV<n>` from
 * version 2, answering a payload or result type), CAPABILITY_VERSION_DUPLICATE (one field per name
 * and version) and CAPABILITY_CHANGED_IN_PLACE (a breaking change to a version that already exists:
 * it must be a new version beside the old one). Sunsetting a removed version is the sunset check's.
 */
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { capabilitiesOf, type CapabilityDeclaration } from '../../schema/capabilities.ts';
import type { Finding, SchemaChange, SubgraphDeclaration } from '../types.ts';
import type { LintSupergraph } from './lintSupergraph.ts';

const NAME = /^([a-z][a-z0-9]*)\.([a-z][A-Za-z0-9]*)$/;
const ANSWER = /(Payload|Result)$/;

export interface CapabilityLintInput {
  readonly supergraph: LintSupergraph;
  readonly supergraphSdl: string;
  readonly before: string | null;
  readonly changes: readonly SchemaChange[];
  /** The system of each subgraph, by name (null for a subgraph of no system). */
  readonly systems: ReadonlyMap<string, SubgraphDeclaration['system']>;
}

export function capabilityFindings(input: CapabilityLintInput): Finding[] {
  const { supergraph } = input;
  const mutation = supergraph.schema.getMutationType();
  if (!mutation) return [];
  const declared = declarationsOf(input.supergraphSdl);
  if (declared instanceof Error) {
    return [finding('CAPABILITY_DECLARATION_INVALID', null, null, `${declared.message}; fix the @capability declaration.`)];
  }
  const findings: Finding[] = [];
  const fieldOf = (field: string) => `${mutation.name}.${field}`;

  for (const capability of declared.values()) {
    const coordinate = fieldOf(capability.field);
    const subgraph = supergraph.subgraphOf(coordinate);
    for (const problem of namingProblems(
      capability,
      expectedPrefix(input, coordinate, subgraph),
      answerOf(supergraph.schema, mutation.name, capability.field),
    )) {
      findings.push(finding('CAPABILITY_NAMING', coordinate, subgraph, problem));
    }
  }

  const byVersion = new Map<string, CapabilityDeclaration[]>();
  for (const capability of declared.values()) {
    const key = `${capability.name} v${capability.version}`;
    byVersion.set(key, [...(byVersion.get(key) ?? []), capability]);
  }
  for (const [key, fields] of byVersion) {
    if (fields.length < 2) continue;
    for (const capability of fields) {
      const others = fields.filter((other) => other !== capability).map((other) => fieldOf(other.field));
      findings.push(
        finding(
          'CAPABILITY_VERSION_DUPLICATE',
          fieldOf(capability.field),
          supergraph.subgraphOf(fieldOf(capability.field)),
          `${fieldOf(capability.field)} and ${others.join(', ')} both declare ${key}: each version of a capability is one field; give this one its own version.`,
        ),
      );
    }
  }

  findings.push(...changedInPlace(input, declared, fieldOf));
  return findings;
}

/** A breaking change on a version that `before` already declared: on the field, its arguments, or a type of its contract. */
function changedInPlace(
  input: CapabilityLintInput,
  declared: ReadonlyMap<string, CapabilityDeclaration>,
  fieldOf: (field: string) => string,
): Finding[] {
  if (input.before === null) return [];
  const previous = declarationsOf(input.before);
  if (previous instanceof Error) return [];
  const existed = new Set([...previous.values()].map((capability) => `${capability.name} v${capability.version}`));
  const breaking = input.changes.filter((change) => change.severity === 'BREAKING');
  const findings: Finding[] = [];
  for (const capability of declared.values()) {
    const version = `${capability.name} v${capability.version}`;
    if (!existed.has(version)) continue;
    const coordinate = fieldOf(capability.field);
    const contract = contractTypes(input.supergraph.schema, coordinate);
    const hits = breaking.filter(
      (change) =>
        change.coordinate === coordinate ||
        change.coordinate.startsWith(`${coordinate}(`) ||
        contract.has(change.coordinate.split(/[.(]/)[0]!),
    );
    if (hits.length === 0) continue;
    const next = `${capability.name.split('.')[1]}V${capability.version + 1}`;
    findings.push(
      finding(
        'CAPABILITY_CHANGED_IN_PLACE',
        coordinate,
        input.supergraph.subgraphOf(coordinate),
        `${version} (${coordinate}) changes in place: ${hits.map((change) => `${change.coordinate} (${change.kind})`).join(', ')}. ` +
          `A breaking change is a new version: add ${next} with @capability(name: "${capability.name}", version: ${capability.version + 1}) beside it and deprecate this one.`,
      ),
    );
  }
  return findings;
}

/**
 * The types that make up a capability's contract: every input type and enum its arguments reach,
 * and its answer (the payload or result, its union members and the value types they hold). An
 * entity the answer points to (a type with a `@key`) belongs to the graph, not to one capability:
 * its breaking changes are the change and usage checks' business.
 */
function contractTypes(schema: GraphQLSchema, coordinate: string): Set<string> {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const root = schema.getType(typeName);
  const field = isObjectType(root) ? root.getFields()[fieldName] : undefined;
  const found = new Set<string>();
  if (!field) return found;
  const visit = (type: GraphQLNamedType, output: boolean): void => {
    if (found.has(type.name) || (output && isEntity(type))) return;
    found.add(type.name);
    if (isInputObjectType(type)) {
      for (const inner of Object.values(type.getFields())) visit(getNamedType(inner.type), false);
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) visit(member, true);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const inner of Object.values(type.getFields())) visit(getNamedType(inner.type), true);
    }
  };
  for (const arg of field.args) visit(getNamedType(arg.type), false);
  visit(getNamedType(field.type), true);
  return found;
}

/** A type some subgraph declares with a `@key` (`@join__type(key:)` in the supergraph). */
function isEntity(type: GraphQLNamedType): boolean {
  return (type.astNode?.directives ?? []).some(
    (directive) => directive.name.value === 'join__type' && directive.arguments?.some((argument) => argument.name.value === 'key'),
  );
}

function namingProblems(capability: CapabilityDeclaration, prefix: string | null, answer: GraphQLNamedType | null): string[] {
  const problems: string[] = [];
  const match = NAME.exec(capability.name);
  if (!match) {
    problems.push(`capability name "${capability.name}" is not <system>.<verbNoun> (e.g. "erp.releaseInvoice").`);
  } else {
    if (prefix !== null && match[1] !== prefix) {
      problems.push(`capability name "${capability.name}" must start with "${prefix}.", the system of the subgraph that owns it.`);
    }
    const expected = capability.version === 1 ? match[2]! : `${match[2]!}V${capability.version}`;
    if (capability.version < 1) problems.push(`capability ${capability.name} has version ${capability.version}: versions count from 1.`);
    else if (capability.field !== expected) {
      problems.push(`the field of ${capability.name} v${capability.version} must be named ${expected}, not ${capability.field}.`);
    }
  }
  if (!answer || !(isObjectType(answer) || isUnionType(answer)) || !ANSWER.test(answer.name)) {
    problems.push(
      `${capability.field} must answer a payload or result type (an object or union named *Payload or *Result), not ${answer?.name ?? 'nothing'}.`,
    );
  }
  return problems;
}

/** The lower-case system of the subgraph that owns the capability: its `@owner`, else its subgraph's system, else its subgraph's name. */
function expectedPrefix(input: CapabilityLintInput, coordinate: string, subgraph: string | null): string | null {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = input.supergraph.schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  const owner = field?.astNode?.directives?.find((d) => d.name.value === 'owner')?.arguments?.[0]?.value;
  if (owner?.kind === Kind.ENUM || owner?.kind === Kind.STRING) return owner.value.toLowerCase();
  if (subgraph === null) return null;
  return (input.systems.get(subgraph) ?? subgraph).toLowerCase();
}

function answerOf(schema: GraphQLSchema, mutation: string, field: string): GraphQLNamedType | null {
  const type = schema.getType(mutation);
  const definition = isObjectType(type) ? type.getFields()[field] : undefined;
  return definition ? getNamedType(definition.type) : null;
}

function declarationsOf(sdl: string): ReadonlyMap<string, CapabilityDeclaration> | Error {
  try {
    return capabilitiesOf(parse(sdl));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function finding(rule: string, coordinate: string | null, subgraph: string | null, message: string): Finding {
  return { rule, severity: 'error', coordinate, subgraph, message };
}
