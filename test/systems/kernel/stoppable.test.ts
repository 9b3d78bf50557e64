/**
 * A read port that stops once its request is called off (docs/demand-control.md#client-disconnect).
 */
import { describe, expect, it } from 'vitest';
import { NEVER_ABORTED } from '../../../auth/requestScope.ts';
import { stoppable } from '../../../systems/kernel/stoppable.ts';

function port() {
  const calls: string[] = [];
  return {
    calls,
    async project(id: string) {
      calls.push(id);
      return { id };
    },
    pageSize: 50,
  };
}

describe('stoppable', () => {
  it('is the port itself when nothing can abort the request', () => {
    const read = port();
    expect(stoppable(read, NEVER_ABORTED)).toBe(read);
  });

  it('reads through until the signal aborts, then refuses every read with OPERATION_TIMEOUT and runs none', async () => {
    const read = port();
    const controller = new AbortController();
    const guarded = stoppable(read, controller.signal);
    expect(await guarded.project('prj_1')).toEqual({ id: 'prj_1' });
    expect(guarded.pageSize).toBe(50);
    controller.abort();
    let refusal: unknown;
    try {
      await guarded.project('prj_2');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      message: 'The request was called off (its deadline passed or its client went away): its remaining reads were not run.',
      extensions: { code: 'OPERATION_TIMEOUT' },
    });
    expect(read.calls).toEqual(['prj_1']);
  });
});
