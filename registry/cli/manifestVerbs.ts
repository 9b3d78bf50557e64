/**
 * `tessera registry manifest publish|list` (docs/persisted-operations.md#through-the-registry): a
 * client's persisted-operation manifest published (validated against the current supergraph), and
 * every client's current one.
 */
import type { ClientManifestVersion } from '../manifests.ts';
import { RegistryError } from '../registryError.ts';
import type { Verb } from './verbs.ts';

const string = { type: 'string' } as const;

export const MANIFEST_VERBS: readonly Verb[] = [
  {
    name: 'manifest publish',
    usage: 'manifest publish --client ID --file MANIFEST.json',
    summary: "validates a client's persisted-operation manifest against the supergraph, then stores it as its safelist",
    options: { client: string, file: string },
    required: ['client', 'file'],
    integers: [],
    async run(input) {
      const file = input.values.file as string;
      const text = input.readSchema(file);
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch {
        throw new RegistryError('REGISTRY_INVALID_MANIFEST', `The manifest file ${file} is not valid JSON.`);
      }
      const published = await input.registry.publishManifest({ client: input.values.client as string, manifest, author: input.author });
      input.stdout(input.json ? `${JSON.stringify(published, null, 2)}\n` : `published ${formatManifest(published)}\n`);
      return 0;
    },
  },
  {
    name: 'manifest list',
    usage: 'manifest list',
    summary: "every client's current persisted-operation manifest",
    options: {},
    required: [],
    integers: [],
    async run(input) {
      const set = await input.registry.manifests();
      if (set === 'not-modified') throw new TypeError('manifests() without an ETag answered not-modified');
      const human = set.manifests.length === 0 ? 'no manifests\n' : set.manifests.map((m) => `${formatManifest(m)}\n`).join('');
      input.stdout(input.json ? `${JSON.stringify(set.manifests, null, 2)}\n` : human);
      return 0;
    },
  },
];

/** `partner-app v2: 3 operations (GetProject, ...) by alice at 2026-...`. */
function formatManifest(manifest: ClientManifestVersion): string {
  const names = manifest.operations.map((operation) => operation.name).join(', ');
  return `manifest of ${manifest.client} v${manifest.version}: ${manifest.operations.length} operation(s) (${names || 'none'}) by ${manifest.publishedBy} at ${manifest.publishedAt}`;
}
