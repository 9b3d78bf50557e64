import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readOrCreateKeyFile } from '../../auth/keys/devKeyFile.ts';
import { tempDir } from './jwtFixtures.ts';

const posix = process.platform !== 'win32';
let temp = tempDir();
afterEach(() => {
  temp.remove();
  temp = tempDir();
});

describe('readOrCreateKeyFile', () => {
  it('creates a 32-byte base64url secret, readable by its owner only, in a folder it creates', async () => {
    const file = path.join(temp.dir, 'data', 'dev-signing-key');
    const secret = await readOrCreateKeyFile(file);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${secret}\n`);
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Nothing is left behind by the write-then-link creation.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['dev-signing-key']);
  });

  it('reads the same secret thereafter', async () => {
    const file = path.join(temp.dir, 'dev-signing-key');
    const first = await readOrCreateKeyFile(file);
    await expect(readOrCreateKeyFile(file)).resolves.toBe(first);
  });

  it('agrees on one secret when several callers create it at once', async () => {
    const file = path.join(temp.dir, 'dev-signing-key');
    const secrets = await Promise.all(Array.from({ length: 8 }, () => readOrCreateKeyFile(file)));
    expect(new Set(secrets).size).toBe(1);
    expect(fs.readdirSync(temp.dir)).toEqual(['dev-signing-key']);
  });

  it('generates a different secret for each file', async () => {
    const a = await readOrCreateKeyFile(path.join(temp.dir, 'a'));
    const b = await readOrCreateKeyFile(path.join(temp.dir, 'b'));
    expect(a).not.toBe(b);
  });

  it.runIf(posix)('refuses a key file other users can read, without printing the key', async () => {
    const file = path.join(temp.dir, 'dev-signing-key');
    const secret = await readOrCreateKeyFile(file);
    fs.chmodSync(file, 0o644);
    const error = await readOrCreateKeyFile(file).catch((thrown: unknown) => thrown);
    expect(error).toEqual(new Error(`key file ${file} is accessible to other users; restrict it with: chmod 600 ${file}`));
    expect(String(error)).not.toContain(secret);
  });

  it('refuses a key file holding a short secret', async () => {
    const file = path.join(temp.dir, 'dev-signing-key');
    fs.writeFileSync(file, 'short\n', { mode: 0o600 });
    await expect(readOrCreateKeyFile(file)).rejects.toThrow(
      new Error(`key file ${file} does not hold a secret of at least 32 characters; delete it to generate a new one`),
    );
  });
});
