import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Shortest secret accepted from a key file; a generated one is 43 characters (32 bytes, base64url). */
export const MIN_SECRET_LENGTH = 32;

/**
 * Reads a development secret from `file`, generating it first if the file does not exist: 32 random
 * bytes, base64url, in a file only its owner can read (0600). Used for the dev signing key and the dev
 * internal principal secret, so a laptop setup needs no secret configured and two processes sharing the
 * data folder (`tessera serve crm` next to `tessera serve gateway`) agree on the same key.
 *
 * The file is written under a temporary name and hard-linked into place: `link` fails if the target
 * exists, so when two processes start together exactly one key wins and neither can read a half-written file.
 */
export async function readOrCreateKeyFile(file: string): Promise<string> {
  try {
    return await readKeyFile(file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    // The mode given to writeFile is filtered by the umask; set it explicitly so it is 0600 whatever the umask.
    await fs.chmod(temporary, 0o600);
    await fs.link(temporary, file).catch((error: unknown) => {
      if (!isErrno(error, 'EEXIST')) throw error;
    });
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<string> {
  const stat = await fs.stat(file);
  // POSIX permission bits mean nothing on Windows, where stat reports 0666 for every writable file.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`key file ${file} is accessible to other users; restrict it with: chmod 600 ${file}`);
  }
  const secret = (await fs.readFile(file, 'utf8')).trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`key file ${file} does not hold a secret of at least ${MIN_SECRET_LENGTH} characters; delete it to generate a new one`);
  }
  return secret;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
