/**
 * Counters, gauges and histograms in the Prometheus text format, served at `/metrics`. One
 * instance per process part (no module state); label values are escaped, and only bounded label
 * sets are used (a coordinate of the schema, a status code, a consumer's name), never ids or user
 * input.
 */
type Kind = 'counter' | 'gauge' | 'histogram';

interface Series {
  readonly count: number[];
  sum: number;
  observations: number;
}

interface Family {
  readonly kind: Kind;
  readonly help: string;
  /** Counters and gauges: value per label set. */
  readonly values: Map<string, number>;
  /** Histograms: upper bounds (ascending) and the series per label set. */
  readonly buckets?: readonly number[];
  readonly series?: Map<string, Series>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  /** `help`: the counters, by name. More metrics of any kind are added with `define*`. */
  constructor(help: Readonly<Record<string, string>> = {}) {
    for (const [name, text] of Object.entries(help)) this.defineCounter(name, text);
  }

  defineCounter(name: string, help: string): this {
    return this.define(name, { kind: 'counter', help, values: new Map() });
  }

  defineGauge(name: string, help: string): this {
    return this.define(name, { kind: 'gauge', help, values: new Map() });
  }

  /** `buckets`: the upper bounds, ascending (the `+Inf` bucket is implied). */
  defineHistogram(name: string, help: string, buckets: readonly number[]): this {
    if (buckets.length === 0 || buckets.some((bound, i) => i > 0 && bound <= buckets[i - 1]!)) {
      throw new TypeError(`histogram ${name}: buckets must be ascending and not empty`);
    }
    return this.define(name, { kind: 'histogram', help, values: new Map(), buckets: [...buckets], series: new Map() });
  }

  /** Whether a metric of this name is defined (several parts of a process may share one instance). */
  has(name: string): boolean {
    return this.families.has(name);
  }

  increment(name: string, labels: Readonly<Record<string, string>>, by = 1): void {
    const family = this.family(name, 'counter');
    const key = labelKey(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + by);
  }

  /** Sets a gauge. */
  set(name: string, labels: Readonly<Record<string, string>>, value: number): void {
    this.family(name, 'gauge').values.set(labelKey(labels), value);
  }

  /**
   * Removes every label set of a gauge (before setting the ones that exist now); with `leading`,
   * only those that begin with these labels, in this order (one variant's series of a gauge).
   */
  clear(name: string, leading?: Readonly<Record<string, string>>): void {
    const values = this.family(name, 'gauge').values;
    if (!leading) return values.clear();
    const prefix = labelKey(leading);
    for (const key of [...values.keys()]) if (key === prefix || key.startsWith(`${prefix},`)) values.delete(key);
  }

  /** Records one observation in a histogram. */
  observe(name: string, labels: Readonly<Record<string, string>>, value: number): void {
    const family = this.family(name, 'histogram');
    const buckets = family.buckets!;
    const key = labelKey(labels);
    let series = family.series!.get(key);
    if (!series) {
      series = { count: buckets.map(() => 0), sum: 0, observations: 0 };
      family.series!.set(key, series);
    }
    buckets.forEach((bound, i) => {
      if (value <= bound) series.count[i]! += 1;
    });
    series.sum += value;
    series.observations += 1;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.kind}`);
      if (family.kind !== 'histogram') {
        for (const [labels, value] of sorted(family.values)) lines.push(`${name}{${labels}} ${value}`);
        continue;
      }
      for (const [labels, series] of sorted(family.series!)) {
        const withLe = (le: string) => `${labels}${labels ? ',' : ''}le="${le}"`;
        family.buckets!.forEach((bound, i) => lines.push(`${name}_bucket{${withLe(String(bound))}} ${series.count[i]}`));
        lines.push(
          `${name}_bucket{${withLe('+Inf')}} ${series.observations}`,
          `${name}_sum{${labels}} ${series.sum}`,
          `${name}_count{${labels}} ${series.observations}`,
        );
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private define(name: string, family: Family): this {
    if (this.families.has(name)) throw new TypeError(`metric ${name} is defined twice`);
    this.families.set(name, family);
    return this;
  }

  private family(name: string, kind: Kind): Family {
    const family = this.families.get(name);
    if (!family) throw new TypeError(`unknown metric ${name}`);
    if (family.kind !== kind) throw new TypeError(`metric ${name} is a ${family.kind}, not a ${kind}`);
    return family;
  }
}

function labelKey(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([label, value]) => `${label}="${escape(value)}"`)
    .join(',');
}

function sorted<V>(values: Map<string, V>): [string, V][] {
  return [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The gateway's counters, and the supergraphs it serves (docs/registry.md#hot-reload). */
export function createGatewayMetrics(): Metrics {
  return new Metrics({
    tessera_http_requests_total: 'HTTP requests by route and status.',
    tessera_authorization_denials_total: 'Fields removed from operations by the governance directives, by code and schema coordinate.',
    tessera_capability_calls_total: 'Capability (mutation) calls by capability name and version, counted before execution.',
    tessera_supergraph_updates_total: 'Supergraphs loaded (applied) or refused (failed), by variant (main or contracts/<name>).',
  }).defineGauge(
    'tessera_supergraph_loaded_timestamp_seconds',
    'When the supergraph serving each variant was loaded (Unix seconds), labelled with its id.',
  );
}

/** Seconds from an event's occurrence to its handling: sub-second in-process, minutes when retried. */
export const EVENT_LAG_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/**
 * Adds the event-delivery metrics (docs/events.md#delivery) to `metrics` (once; a second call is a
 * no-op, so the relay and the transports may each ask for them). Returns `metrics`.
 */
export function defineEventMetrics(metrics: Metrics): Metrics {
  if (metrics.has('tessera_event_deliveries_total')) return metrics;
  return metrics
    .defineHistogram(
      'tessera_event_lag_seconds',
      'Seconds from an event occurring to a consumer handling it, by consumer.',
      EVENT_LAG_BUCKETS,
    )
    .defineCounter(
      'tessera_event_deliveries_total',
      'Delivery attempts by consumer and outcome (handled, duplicate, retry, dead_lettered).',
    )
    .defineCounter('tessera_event_retries_total', 'Failed deliveries that will be retried, by consumer.')
    .defineGauge('tessera_dead_letters', 'Open dead letters by consumer.')
    .defineCounter('tessera_events_published_total', 'Outbox events the relay published, by source system.');
}
