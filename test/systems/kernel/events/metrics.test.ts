import { describe, expect, it } from 'vitest';
import { defineEventMetrics, Metrics } from '../../../../core/metrics.ts';

describe('Metrics (Prometheus text format)', () => {
  it('renders counters, gauges and histograms with their types, sorted label sets and escaped values', async () => {
    const metrics = new Metrics({ requests_total: 'Requests.' })
      .defineGauge('depth', 'Depth.')
      .defineHistogram('lag_seconds', 'Lag.', [0.1, 1, 10]);
    metrics.increment('requests_total', { status: '200' });
    metrics.increment('requests_total', { status: '200' }, 2);
    metrics.increment('requests_total', { status: '4"0\\4\n' });
    metrics.set('depth', { consumer: 'b' }, 3);
    metrics.set('depth', { consumer: 'a' }, 7);
    metrics.set('depth', { consumer: 'a' }, 5);
    for (const value of [0.05, 0.1, 0.5, 20]) metrics.observe('lag_seconds', { consumer: 'a' }, value);
    metrics.observe('lag_seconds', {}, 2);
    expect(await metrics.render()).toBe(
      [
        '# HELP requests_total Requests.',
        '# TYPE requests_total counter',
        'requests_total{status="200"} 3',
        'requests_total{status="4\\"0\\\\4\\n"} 1',
        '# HELP depth Depth.',
        '# TYPE depth gauge',
        'depth{consumer="a"} 5',
        'depth{consumer="b"} 3',
        '# HELP lag_seconds Lag.',
        '# TYPE lag_seconds histogram',
        'lag_seconds_bucket{le="0.1"} 0',
        'lag_seconds_bucket{le="1"} 0',
        'lag_seconds_bucket{le="10"} 1',
        'lag_seconds_bucket{le="+Inf"} 1',
        'lag_seconds_sum 2',
        'lag_seconds_count 1',
        'lag_seconds_bucket{le="0.1",consumer="a"} 2',
        'lag_seconds_bucket{le="1",consumer="a"} 3',
        'lag_seconds_bucket{le="10",consumer="a"} 3',
        'lag_seconds_bucket{le="+Inf",consumer="a"} 4',
        'lag_seconds_sum{consumer="a"} 20.65',
        'lag_seconds_count{consumer="a"} 4',
        '',
      ].join('\n'),
    );
  });

  it('refuses unknown metrics, a metric used as another kind, a second definition and bad buckets', () => {
    const metrics = new Metrics({ c: 'C.' });
    expect(() => metrics.increment('nope', {})).toThrow('unknown metric nope');
    expect(() => metrics.set('c', {}, 1)).toThrow('metric c is a counter, not a gauge');
    expect(() => metrics.defineGauge('c', 'again')).toThrow('metric c is defined twice');
    expect(() => metrics.defineHistogram('h', 'H.', [1, 1])).toThrow('buckets must be ascending');
  });

  it('defines the event metrics once, however many parts ask', async () => {
    const metrics = defineEventMetrics(defineEventMetrics(new Metrics()));
    metrics.set('tessera_dead_letters', { consumer: 'gone' }, 1);
    metrics.clear('tessera_dead_letters');
    metrics.set('tessera_dead_letters', { consumer: 'sagas' }, 2);
    const text = await metrics.render();
    expect(text).toContain('# TYPE tessera_event_lag_seconds histogram\n');
    expect(text).toContain('# TYPE tessera_dead_letters gauge\ntessera_dead_letters{consumer="sagas"} 2\n');
  });
});
