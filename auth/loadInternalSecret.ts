import { readOrCreateKeyFile } from './keys/devKeyFile.ts';
import type { InternalSecretSource } from '../core/config/internalSecretSource.ts';

export type { InternalSecretSource };

/** The internal principal secret itself, reading or creating the dev key file when that is the source. */
export async function loadInternalSecret(source: InternalSecretSource): Promise<string> {
  switch (source.kind) {
    case 'value':
      return source.secret.reveal();
    case 'dev':
      return readOrCreateKeyFile(source.keyFile);
  }
}
