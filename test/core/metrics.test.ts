/**
 * `Metrics` on prom-client (docs/observability.md#prometheus-metrics): one registry per instance,
 * label names fixed by the first record, gauges cleared by leading labels, process metrics, and
 * the cap that keeps client-chosen label values bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLabelCap, defineHttpMetrics, HTTP_DURATION, Metrics, OVERFLOW_LABEL } from '../../core/metrics.ts';

describe('Metrics', () => {
  it('keeps each instance in its own registry: the same names count apart', async () => {
    const a = new Metrics({ jobs_total: 'Jobs.' });
    const b = new Metrics({ jobs_total: 'Jobs.' });
    a.increment('jobs_total', { kind: 'x' }, 2);
    b.increment('jobs_total', { kind: 'x' });
    expect(await a.render()).toBe('# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{kind="x"} 2\n');
    expect(await b.render()).toBe('# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{kind="x"} 1\n');
  });

  it('renders a family nothing recorded yet as its HELP and TYPE only, and an unlabelled one without braces', async () => {
    const metrics = new Metrics({ idle_total: 'Idle.\\ with a backslash' }).defineGauge('depth', 'Depth.');
    expect(await metrics.render()).toBe(
      '# HELP idle_total Idle.\\\\ with a backslash\n# TYPE idle_total counter\n# HELP depth Depth.\n# TYPE depth gauge\n',
    );
    metrics.set('depth', {}, 4);
    expect(await metrics.render()).toContain('# TYPE depth gauge\ndepth 4\n');
  });

  it('fixes label names at the first record: a later set may leave one out, never add one', async () => {
    const metrics = new Metrics({ calls_total: 'Calls.' });
    metrics.increment('calls_total', { system: 'crm', outcome: 'ok' });
    metrics.increment('calls_total', { system: 'erp' });
    expect(() => metrics.increment('calls_total', { tenant: 't1' })).toThrow('Added label "tenant" is not included in initial labelset');
    expect((await metrics.render()).split('\n').slice(2, 4)).toEqual([
      'calls_total{system="crm",outcome="ok"} 1',
      'calls_total{system="erp"} 1',
    ]);
  });

  it('clears a gauge whole, or only the label sets that begin with given labels', async () => {
    const metrics = new Metrics().defineGauge('loaded', 'Loaded.');
    metrics.set('loaded', { variant: 'main', id: 'main#1' }, 1);
    metrics.set('loaded', { variant: 'main', id: 'main#2' }, 2);
    metrics.set('loaded', { variant: 'mainline', id: 'x' }, 3);
    metrics.set('loaded', { variant: 'contracts/partner', id: 'p#1' }, 4);
    metrics.clear('loaded', { variant: 'main' });
    const lines = (await metrics.render()).split('\n').filter((line) => line.startsWith('loaded{'));
    expect(lines).toEqual(['loaded{variant="contracts/partner",id="p#1"} 4', 'loaded{variant="mainline",id="x"} 3']);
    metrics.clear('loaded');
    expect(await metrics.render()).toBe('# HELP loaded Loaded.\n# TYPE loaded gauge\n');
    metrics.set('loaded', { variant: 'main', id: 'main#3' }, 5);
    expect(await metrics.render()).toContain('\nloaded{variant="main",id="main#3"} 5\n');
  });

  it('adds the process metrics under their standard names to the instance that asks, once per process', async () => {
    const served = new Metrics().withProcessMetrics();
    const other = new Metrics().withProcessMetrics();
    const text = await served.render();
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    expect(text.match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1);
    expect(await other.render()).toMatch(/^# TYPE nodejs_heap_size_used_bytes gauge$/m);
    expect(await new Metrics().render()).toBe('\n');
  });

  it('defines the request latency histogram once, with its buckets', async () => {
    const metrics = defineHttpMetrics(defineHttpMetrics(new Metrics()));
    metrics.observe(HTTP_DURATION, { route: '/graphql', operation: 'A', client: 'app', status: '200' }, 0.3);
    const lines = (await metrics.render()).split('\n').filter((line) => line.startsWith(`${HTTP_DURATION}_`));
    expect(lines.slice(0, 7)).toEqual(
      ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5'].map(
        (le) => `${HTTP_DURATION}_bucket{le="${le}",route="/graphql",operation="A",client="app",status="200"} ${le === '0.5' ? 1 : 0}`,
      ),
    );
    expect(lines.at(-1)).toBe(`${HTTP_DURATION}_count{route="/graphql",operation="A",client="app",status="200"} 1`);
  });
});

describe('createLabelCap', () => {
  it('passes the first N distinct values, then answers other; values already seen stay themselves', () => {
    const cap = createLabelCap(2);
    expect(['a', 'b', 'a', 'c', 'b', 'd'].map(cap)).toEqual(['a', 'b', 'a', OVERFLOW_LABEL, 'b', OVERFLOW_LABEL]);
    expect(createLabelCap(5, 3)('long')).toBe(OVERFLOW_LABEL);
  });

  it('never yields more than N + 1 distinct labels, whatever the values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 200 }), (limit, values) => {
        const cap = createLabelCap(limit);
        const labels = values.map(cap);
        const distinct = new Set(labels);
        expect(distinct.size).toBeLessThanOrEqual(limit + 1);
        // The first `limit` distinct values are kept as they are, in every later occurrence too.
        const kept = [...new Set(values)].slice(0, limit);
        values.forEach((value, i) => expect(labels[i]).toBe(kept.includes(value) ? value : OVERFLOW_LABEL));
      }),
      { numRuns: 200 },
    );
  });
});
