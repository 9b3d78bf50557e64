/**
 * What a proposal must be before the registry looks at it further (docs/registry.md#publishing):
 * a declared subgraph, an SDL within the size limit that parses and is a Federation 2 subgraph,
 * and an absolute http(s) routing URL. Each failure is its own RegistryError code; nothing is
 * stored for any of them.
 */
import { GraphQLError, Kind, parse, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { RegistryError } from '../registryError.ts';
import type { ProposedSchema } from '../registry.ts';
import type { SubgraphDeclaration } from '../types.ts';

export interface ValidProposal {
  readonly subgraph: string;
  readonly sdl: string;
  /** The given URL, else the head's, else the declaration's. */
  readonly url: string;
  readonly declaration: SubgraphDeclaration;
}

export interface ValidationLimits {
  readonly declarations: ReadonlyMap<string, SubgraphDeclaration>;
  readonly maxSdlBytes: number;
}

export function declarationOf(limits: ValidationLimits, subgraph: string): SubgraphDeclaration {
  const declaration = limits.declarations.get(subgraph);
  if (!declaration) {
    const known = [...limits.declarations.keys()].join(', ');
    throw new RegistryError('REGISTRY_UNKNOWN_SUBGRAPH', `No subgraph named "${subgraph}" is declared (known: ${known}).`);
  }
  return declaration;
}

/** `headUrl`: the current head's routing URL, used when the proposal gives none. */
export function validateProposal(limits: ValidationLimits, proposal: ProposedSchema, headUrl: string | null): ValidProposal {
  const declaration = declarationOf(limits, proposal.subgraph);
  // Measured before parsing: a huge SDL must not cost the parser anything.
  const bytes = Buffer.byteLength(proposal.sdl, 'utf8');
  if (bytes > limits.maxSdlBytes) {
    throw new RegistryError(
      'REGISTRY_SDL_TOO_LARGE',
      `The SDL of ${proposal.subgraph} is ${bytes} bytes; the registry accepts at most ${limits.maxSdlBytes}.`,
    );
  }
  const document = parsed(proposal.subgraph, proposal.sdl);
  if (!linksFederation2(document)) {
    throw new RegistryError(
      'REGISTRY_NOT_FEDERATION_2',
      `The SDL of ${proposal.subgraph} is not a Federation 2 subgraph: add extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [...]).`,
    );
  }
  const url = proposal.url ?? headUrl ?? declaration.url;
  if (!isHttpUrl(url)) {
    throw new RegistryError(
      'REGISTRY_INVALID_URL',
      `The routing URL of ${proposal.subgraph} must be an absolute http(s) URL; got ${JSON.stringify(url)}.`,
    );
  }
  return { subgraph: proposal.subgraph, sdl: proposal.sdl, url, declaration };
}

function parsed(subgraph: string, sdl: string): DocumentNode {
  try {
    return parse(sdl, { noLocation: false });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const where = error.locations?.[0];
    const at = where ? ` at line ${where.line}, column ${where.column}` : '';
    throw new RegistryError(
      'REGISTRY_INVALID_SDL',
      `The SDL of ${subgraph} does not parse${at}: ${error.message.replace(/^Syntax Error: /, '')}`,
    );
  }
}

const FEDERATION_2 = /^https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+$/;

/** A `schema` definition or extension with `@link(url: "https://specs.apollo.dev/federation/v2.x")`. */
function linksFederation2(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) =>
      (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) &&
      (definition.directives ?? []).some(isFederation2Link),
  );
}

function isFederation2Link(directive: ConstDirectiveNode): boolean {
  if (directive.name.value !== 'link') return false;
  const url = directive.arguments?.find((argument) => argument.name.value === 'url')?.value;
  return url?.kind === Kind.STRING && FEDERATION_2.test(url.value);
}

function isHttpUrl(url: string): boolean {
  try {
    const parsedUrl = new URL(url);
    return (parsedUrl.protocol === 'http:' || parsedUrl.protocol === 'https:') && parsedUrl.hostname !== '';
  } catch {
    return false;
  }
}
