/**
 * `TESSERA_METRICS_TOKEN` in production is held to the internal secret's strength rules: the
 * deployment's example env file says a `CHANGE_ME` left in it refuses the start, and a guessable
 * token would open /metrics (every client, operation and subgraph, and their error rates) to
 * anyone who tries it. The message names the variable and the rule, never the value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { PRODUCTION_ENV } from '../harness/productionEnv.ts';

describe('TESSERA_METRICS_TOKEN in production', () => {
  it.each([
    ['CHANGE_ME', 'it must have at least 10 distinct characters; it has 8'],
    ['metrics', 'it must have at least 10 distinct characters; it has 7'],
    ['abcdefghij'.repeat(4), 'it must not be a repetition of a shorter pattern; it repeats every 10 characters'],
  ])('refuses %j, naming the variable and the rule but not the value', (token, rule) => {
    const load = () => loadConfig({ ...PRODUCTION_ENV, TESSERA_METRICS_TOKEN: token });
    expect(load).toThrow(TypeError);
    expect(load).toThrow(
      `TESSERA_METRICS_TOKEN is too weak for TESSERA_ENV=production: ${rule} (generate one with \`openssl rand -hex 24\`)`,
    );
  });

  it('accepts a token as `openssl rand -hex 24` prints it', () => {
    const token = randomBytes(24).toString('hex');
    expect(loadConfig({ ...PRODUCTION_ENV, TESSERA_METRICS_TOKEN: token }).metricsToken?.reveal()).toBe(token);
  });

  it('accepts any token in development', () => {
    expect(loadConfig({ TESSERA_METRICS_TOKEN: 'CHANGE_ME' }).metricsToken?.reveal()).toBe('CHANGE_ME');
  });
});
