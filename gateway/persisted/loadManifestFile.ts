/**
 * Reads `TESSERA_PERSISTED_OPERATIONS_FILE` (docs/persisted-operations.md#manifest) when the gateway
 * starts: a file that cannot be read, is not JSON, or lists an id that is not the SHA-256 of its body
 * stops the start with a message naming the file and the problem.
 */
import fs from 'node:fs';
import { ManifestError, parseManifest, type PersistedManifest } from '../../core/persistedManifest.ts';

export function loadManifestFile(file: string): PersistedManifest {
  const where = `TESSERA_PERSISTED_OPERATIONS_FILE (${file})`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError(`${where} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ManifestError(`${where} is not valid JSON`);
  }
  try {
    return parseManifest(raw);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new ManifestError(`${where}: ${error.message}`);
  }
}
