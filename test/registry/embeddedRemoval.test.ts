/**
 * A field removed by a publish, in the embedded mode, while clients still ask for it
 * (docs/registry.md#hot-reload): usage recording is off here (no client is known to use it, so the
 * checks let it go), and eight clients keep asking for it through the publish. The gateway stops
 * planning it before the in-process subgraph stops serving it, so no request planned a moment before
 * the swap fails; after the swap, the field is refused by validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResult, SchemaVersion } from '../../registry/types.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const PROJECT = 'prj_00008';
let tessera: TestTessera;

beforeAll(async () => {
  tessera = await startTestTessera({ usage: { sampleRate: 0 } });
});
afterAll(() => tessera?.stop());

describe('removing a field under load, in the embedded mode', () => {
  it('fails no request planned before the swap, and refuses the field after it', async () => {
    const base = tessera.url.replace(/\/graphql$/, '');
    const architect = await tessera.token({ sub: 'ada', scope: 'registry:read registry:write' });
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${base}/registry/api/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${architect}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const head = ((await call('history?subgraph=psa')).body as SchemaVersion[])[0]!;
    const sdl = head.sdl.replace(/\n\s*budgetHours: Decimal[^\n]*/, '');
    expect(sdl).not.toBe(head.sdl);

    let publishing = true;
    const answers: { status: number; errors: unknown }[] = [];
    let afterSwap = false;
    const stream = async () => {
      while (publishing) {
        const started = afterSwap;
        const { status, body } = await tessera.request({ query: `{ project(id: "${PROJECT}") { id budgetHours } }` });
        // Requests sent once the publish answered may be refused by validation: the field is gone.
        if (!started) answers.push({ status, errors: body.errors });
      }
    };
    const clients = Array.from({ length: 8 }, stream);
    const published = await call('publish', { subgraph: 'psa', sdl });
    afterSwap = true;
    publishing = false;
    await Promise.all(clients);
    expect(published.status).toBe(201);
    expect((published.body as PublishResult).version.version).toBe(2);
    expect(answers.length).toBeGreaterThan(8);
    // Before the swap the field answers; a request validated on the new supergraph is refused whole (400), never half-planned.
    const failedMidway = answers.filter((answer) => answer.status === 200 && answer.errors !== undefined);
    expect(failedMidway).toEqual([]);

    const after = await tessera.request({ query: `{ project(id: "${PROJECT}") { id budgetHours } }` });
    expect(after.status).toBe(400);
    expect(after.body.errors?.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});
