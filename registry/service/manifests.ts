/**
 * Persisted-operation manifests in the registry (docs/persisted-operations.md#through-the-registry):
 * a publish validates the manifest (format, ids that are their bodies' SHA-256) and every operation
 * against the current supergraph's API schema, then stores it as the client's next version with an
 * audit entry, in one transaction; a refused one stores nothing. Gateways read every client's
 * current manifest with one ETag.
 */
import type { GraphQLError } from 'graphql';
import { getOperationAST, parse, validate, type DocumentNode } from 'graphql';
import { CLIENT_ID, ManifestError, parseManifest, type PersistedManifest } from '../../core/persistedManifest.ts';
import { apiSchemaOf } from '../checks/diff.ts';
import type { ClientManifestVersion, ManifestFetch, ManifestOperation, ManifestPublishInput } from '../manifests.ts';
import { RegistryError } from '../registryError.ts';
import { withBusyRetry } from '../store/sqlErrors.ts';
import type { RegistryDb } from '../store/tables.ts';
import { audit } from './checks.ts';
import type { ServiceContext } from './context.ts';
import { sha256 } from './rows.ts';
import { latestSupergraphs } from './state.ts';

export async function publishManifest(ctx: ServiceContext, input: ManifestPublishInput): Promise<ClientManifestVersion> {
  if (!CLIENT_ID.test(input.client)) {
    throw new RegistryError(
      'REGISTRY_INVALID_MANIFEST',
      `A client id is 1-128 letters, digits, ., _, :, @ or -; got ${JSON.stringify(input.client)}.`,
    );
  }
  const manifest = manifestOf(input.manifest);
  const supergraph = (await latestSupergraphs(ctx.db, '')).get('');
  if (!supergraph) throw new RegistryError('REGISTRY_NO_SUPERGRAPH', 'Nothing has been composed yet: publish every subgraph first.');
  const schema = apiSchemaOf(supergraph.sdl);
  for (const operation of manifest.operations) {
    const problem = problemOf(operation.body, operation.type, (document) => validate(schema, document));
    if (problem !== null) {
      throw new RegistryError(
        'REGISTRY_INVALID_OPERATION',
        `The operation ${JSON.stringify(operation.name)} (${operation.id}) does not validate against supergraph ${supergraph.id}: ${problem}`,
      );
    }
  }
  const operations = manifest.operations.map(({ id, name, type, body }): ManifestOperation => ({ id, name, type, body }));
  const publishedAt = ctx.clock().toISOString();
  return withBusyRetry(() =>
    ctx.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('registry_manifests').select('version').where('client', '=', input.client).executeTakeFirst();
      const version = (current?.version ?? 0) + 1;
      const row = {
        client: input.client,
        version,
        operations: JSON.stringify(operations),
        published_by: input.author,
        published_at: publishedAt,
      };
      if (current) await trx.updateTable('registry_manifests').set(row).where('client', '=', input.client).execute();
      else await trx.insertInto('registry_manifests').values(row).execute();
      await audit(trx, {
        at: publishedAt,
        actor: input.author,
        action: 'manifest.publish',
        subgraph: null,
        version,
        detail: `manifest of client ${input.client} v${version}: ${operations.length} operation(s), validated against supergraph ${supergraph.id}`,
      });
      return { client: input.client, version, operations, publishedBy: input.author, publishedAt };
    }),
  );
}

/** Every client's current manifest; `'not-modified'` (read from the versions alone) when `ifNoneMatch` is the current ETag. */
export async function currentManifests(db: RegistryDb, ifNoneMatch: string | null = null): Promise<ManifestFetch> {
  if (ifNoneMatch !== null) {
    const heads = await db.selectFrom('registry_manifests').select(['client', 'version']).orderBy('client').execute();
    if (etagOf(heads) === ifNoneMatch) return 'not-modified';
  }
  const rows = await db.selectFrom('registry_manifests').selectAll().orderBy('client').execute();
  return {
    etag: etagOf(rows),
    manifests: rows.map((row) => ({
      client: row.client,
      version: row.version,
      operations: JSON.parse(row.operations) as ManifestOperation[],
      publishedBy: row.published_by,
      publishedAt: row.published_at,
    })),
  };
}

/** The ETag of a set of manifests: the quoted SHA-256 of every client's version. */
function etagOf(heads: readonly { readonly client: string; readonly version: number }[]): string {
  return `"${sha256(heads.map(({ client, version }) => `${client}@${version}`).join('\n'))}"`;
}

function manifestOf(raw: unknown): PersistedManifest {
  let manifest: PersistedManifest;
  try {
    manifest = parseManifest(raw);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new RegistryError('REGISTRY_INVALID_MANIFEST', `The manifest is refused: ${error.message}.`);
  }
  const scoped = manifest.operations.find((operation) => operation.clients !== null);
  if (scoped) {
    throw new RegistryError(
      'REGISTRY_INVALID_MANIFEST',
      `The operation ${JSON.stringify(scoped.name)} lists "clients": a registry manifest is for the one client it is published for.`,
    );
  }
  return manifest;
}

/** Why an operation's body cannot run: it does not parse, is not of its declared type, or does not validate; null when it can. */
function problemOf(body: string, type: string, validateDocument: (document: DocumentNode) => readonly GraphQLError[]): string | null {
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch (error) {
    return (error as GraphQLError).message;
  }
  const operation = getOperationAST(document);
  if (!operation) return 'the document must hold exactly one operation';
  if (operation.operation !== type) return `the document is a ${operation.operation}, the manifest says ${type}`;
  const errors = validateDocument(document);
  return errors.length > 0 ? errors.map((error) => error.message).join(' ') : null;
}
