import { describe, expect, it } from 'vitest';
import { testChromiumPath } from '../../../core/config/config.ts';

describe('testChromiumPath', () => {
  const only =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);

  it('is TESSERA_TEST_CHROMIUM when set, else /usr/bin/chromium when it exists, else undefined (the browser suites skip)', () => {
    expect(testChromiumPath({ TESSERA_TEST_CHROMIUM: ' /opt/chromium/chrome ' }, only('/opt/chromium/chrome'))).toBe(
      '/opt/chromium/chrome',
    );
    expect(testChromiumPath({}, only('/usr/bin/chromium'))).toBe('/usr/bin/chromium');
    expect(testChromiumPath({ TESSERA_TEST_CHROMIUM: '' }, only())).toBeUndefined();
  });

  it('refuses a TESSERA_TEST_CHROMIUM that names no file, instead of skipping quietly', () => {
    expect(() => testChromiumPath({ TESSERA_TEST_CHROMIUM: '/nowhere/chromium' }, only('/usr/bin/chromium'))).toThrow(
      new TypeError('TESSERA_TEST_CHROMIUM names /nowhere/chromium, which does not exist'),
    );
  });
});
