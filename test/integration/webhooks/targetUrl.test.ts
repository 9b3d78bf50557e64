/** Where webhooks may go (docs/processes.md#webhooks): https only in production, no private targets; http to localhost in development. */
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress, publicOnlyLookup } from '../../../systems/integration/webhooks/targetUrl.ts';

const verdict = (url: string, env: 'development' | 'production') => {
  const result = checkWebhookUrl(url, env);
  return result.ok ? 'ok' : result.reason;
};

describe('webhook target URLs', () => {
  it.each([
    ['https://hooks.partner.example/tessera', 'ok', 'ok'],
    ['http://localhost:8080/hooks', 'ok', 'webhook URLs must use https'],
    ['http://127.0.0.1:9000/hooks', 'ok', 'webhook URLs must use https'],
    ['http://[::1]:9000/hooks', 'ok', 'webhook URLs must use https'],
    ['http://hooks.partner.example/', 'http is allowed only to localhost (in development); use https', 'webhook URLs must use https'],
    ['https://localhost/hooks', 'ok', 'the URL names this machine'],
    ['https://10.1.2.3/hooks', 'ok', 'the URL names a private or reserved address'],
    ['https://169.254.169.254/latest/meta-data', 'ok', 'the URL names a private or reserved address'],
    ['https://[fd00::1]/hooks', 'ok', 'the URL names a private or reserved address'],
    ['https://[::ffff:192.168.1.1]/hooks', 'ok', 'the URL names a private or reserved address'],
    ['https://8.8.8.8/hooks', 'ok', 'ok'],
    ['https://user:pass@hooks.partner.example/', 'the URL must not carry credentials', 'the URL must not carry credentials'],
    ['https://hooks.partner.example/#frag', 'the URL must not have a fragment', 'the URL must not have a fragment'],
    ['ftp://hooks.partner.example/', 'webhook URLs must use https', 'webhook URLs must use https'],
    ['not a url', 'the URL does not parse', 'the URL does not parse'],
  ])('%s: development %s, production %s', (url, development, production) => {
    expect(verdict(url, 'development')).toBe(development);
    expect(verdict(url, 'production')).toBe(production);
  });

  it('classifies addresses', () => {
    for (const address of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.0.1',
      '127.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
      '169.254.1.1',
      '224.0.0.1',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });

  it('the production lookup refuses a name that resolves to a private address (checked at connect time)', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup('localhost', {}, (failure) => resolve(failure)),
    );
    expect(error?.code).toBe('EWEBHOOKPRIVATE');
  });
});
