import { createSecretKey } from 'node:crypto';
import { readOrCreateKeyFile } from './devKeyFile.ts';
import type { KeyProvider } from './keyProvider.ts';
import { onceUntilFailure } from './onceUntilFailure.ts';

/**
 * The development key: an HS256 secret in `keyFile`, generated on first use. The same file is what
 * `npm run token` signs with, so tokens minted on a laptop verify without any identity provider.
 * Configuration refuses this source when `TESSERA_ENV=production`.
 */
export function createDevKeyProvider(keyFile: string): KeyProvider {
  const load = onceUntilFailure(async () => createSecretKey(Buffer.from(await readOrCreateKeyFile(keyFile), 'utf8')));
  return {
    algorithm: 'HS256',
    // One secret, so the token's kid (if any) is irrelevant.
    keyFor: () => load(),
    load: async () => void (await load()),
  };
}
