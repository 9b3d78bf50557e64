/**
 * Counters, gauges and histograms served at `/metrics` in the Prometheus text format, kept by
 * prom-client (docs/observability.md#prometheus-metrics). Each instance owns its own prom-client
 * `Registry` (never the library's global one: a process part, or a test, has its own), and each
 * family maps 1:1 onto a prom-client `Counter`, `Gauge` or `Histogram`. A family's label names are
 * those of the first label set it records (a later set may leave some out, never add one). Only
 * bounded label sets are used (a coordinate of the schema, a status code, a consumer's name, a
 * capped operation name), never ids or free user input.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

type Kind = 'counter' | 'gauge' | 'histogram';
type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly kind: Kind;
  readonly help: string;
  /** Histograms: upper bounds (ascending; `+Inf` implied). */
  readonly buckets?: readonly number[];
  /** Made at the first record, when the label names are known. */
  metric?: Counter | Gauge | Histogram;
  /** Gauges: the label sets set, so that `clear` can remove those with given leading labels. */
  readonly gaugeSets?: Map<string, Labels>;
}

/** The content type of `render()`'s text (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly registry = new Registry();
  private processMetrics = false;

  /** `help`: the counters, by name. More metrics of any kind are added with `define*`. */
  constructor(help: Readonly<Record<string, string>> = {}) {
    for (const [name, text] of Object.entries(help)) this.defineCounter(name, text);
  }

  defineCounter(name: string, help: string): this {
    return this.define(name, { kind: 'counter', help });
  }

  defineGauge(name: string, help: string): this {
    return this.define(name, { kind: 'gauge', help, gaugeSets: new Map() });
  }

  /** `buckets`: the upper bounds, ascending (the `+Inf` bucket is implied). */
  defineHistogram(name: string, help: string, buckets: readonly number[]): this {
    if (buckets.length === 0 || buckets.some((bound, i) => i > 0 && bound <= buckets[i - 1]!)) {
      throw new TypeError(`histogram ${name}: buckets must be ascending and not empty`);
    }
    return this.define(name, { kind: 'histogram', help, buckets: [...buckets] });
  }

  /**
   * Adds the process's own metrics (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`,
   * heap, handles, GC: prom-client's defaults, unprefixed as dashboards expect) after this
   * instance's families in `render()`. For the instance a process serves at `/metrics`.
   */
  withProcessMetrics(): this {
    this.processMetrics = true;
    return this;
  }

  /** Whether a metric of this name is defined (several parts of a process may share one instance). */
  has(name: string): boolean {
    return this.families.has(name);
  }

  increment(name: string, labels: Labels, by = 1): void {
    (this.metric(name, 'counter', labels) as Counter).inc(labels, by);
  }

  /** Sets a gauge. */
  set(name: string, labels: Labels, value: number): void {
    (this.metric(name, 'gauge', labels) as Gauge).set(labels, value);
    this.family(name, 'gauge').gaugeSets!.set(labelKey(labels), labels);
  }

  /**
   * Removes every label set of a gauge (before setting the ones that exist now); with `leading`,
   * only those that begin with these labels, in this order (one variant's series of a gauge).
   */
  clear(name: string, leading?: Labels): void {
    const family = this.family(name, 'gauge');
    const gauge = family.metric as Gauge | undefined;
    const prefix = leading ? labelKey(leading) : undefined;
    for (const [key, labels] of family.gaugeSets!) {
      if (prefix !== undefined && key !== prefix && !key.startsWith(`${prefix},`)) continue;
      gauge?.remove(labels);
      family.gaugeSets!.delete(key);
    }
  }

  /** Records one observation in a histogram. */
  observe(name: string, labels: Labels, value: number): void {
    (this.metric(name, 'histogram', labels) as Histogram).observe(labels, value);
  }

  /**
   * The text `/metrics` serves: the families in the order they were defined, each one's label sets
   * sorted (a histogram's buckets stay in order), then the process metrics if added.
   */
  async render(): Promise<string> {
    const parts: string[] = [];
    for (const [name, family] of this.families) {
      parts.push(
        family.metric
          ? await (this.registry as unknown as Formatter).getMetricsAsString(sortedSeries(family.metric))
          : `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.kind}`,
      );
    }
    if (this.processMetrics) parts.push((await processRegistry().metrics()).trimEnd());
    return `${parts.join('\n')}\n`;
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

  /** The prom-client metric of a family, made at its first record with that record's label names. */
  private metric(name: string, kind: Kind, labels: Labels): Counter | Gauge | Histogram {
    const family = this.family(name, kind);
    if (family.metric) return family.metric;
    const options = { name, help: family.help, labelNames: Object.keys(labels), registers: [this.registry] };
    family.metric =
      kind === 'counter'
        ? new Counter(options)
        : kind === 'gauge'
          ? new Gauge(options)
          : new Histogram({ ...options, buckets: [...family.buckets!] });
    return family.metric;
  }
}

/** A label set as one string, labels in their given order (the key `clear` matches leading labels on). */
function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
    .join(',');
}

/**
 * prom-client's formatter of one metric (what `Registry.metrics()` calls for each; not in its
 * typings): it takes anything with `get()`, which lets `render` hand it the label sets sorted.
 */
interface Formatter {
  getMetricsAsString(metric: { get(): Promise<MetricObjectWithValues<MetricValue<string>>> }): Promise<string>;
}

/** The metric's values with its label sets in label order; stable, so a histogram series keeps its buckets, sum and count in order. */
function sortedSeries(metric: Counter | Gauge | Histogram) {
  return {
    async get() {
      const data = (await metric.get()) as MetricObjectWithValues<MetricValue<string>>;
      const keyed = data.values.map((value) => ({ value, key: seriesKey(value.labels) }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { ...data, values: keyed.map(({ value }) => value) };
    },
  };
}

/** A sample's labels without `le`, as rendered: the key series sort on. */
function seriesKey(labels: Partial<Record<string, string | number>>): string {
  return Object.entries(labels)
    .filter(([label]) => label !== 'le')
    .map(([label, value]) => `${label}="${String(value)}"`)
    .join(',');
}

/** HELP text as the exposition format wants it: backslash and newline escaped. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

let processMetricsRegistry: Registry | undefined;

/**
 * The registry of the process metrics, made once per process: prom-client's default collectors
 * watch the event loop and the garbage collector, and one set of watchers serves every instance.
 */
function processRegistry(): Registry {
  if (!processMetricsRegistry) {
    processMetricsRegistry = new Registry();
    collectDefaultMetrics({ register: processMetricsRegistry });
  }
  return processMetricsRegistry;
}

/** The gateway's counters, and the supergraphs it serves (docs/registry.md#hot-reload). */
export function createGatewayMetrics(): Metrics {
  const metrics = new Metrics({
    tessera_http_requests_total: 'HTTP requests by route and status.',
    tessera_authorization_denials_total: 'Fields removed from operations by the governance directives, by code and schema coordinate.',
    tessera_capability_calls_total: 'Capability (mutation) calls by capability name and version, counted before execution.',
    tessera_supergraph_updates_total: 'Supergraphs loaded (applied) or refused (failed), by variant (main or contracts/<name>).',
  })
    .defineGauge(
      'tessera_supergraph_loaded_timestamp_seconds',
      'When the supergraph serving each variant was loaded (Unix seconds), labelled with its id.',
    )
    .withProcessMetrics();
  return defineHttpMetrics(metrics);
}

/** Seconds to answer an HTTP request: a health check in a millisecond, a planned cross-system query in tens to hundreds. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The request latency histogram (docs/observability.md#prometheus-metrics), once per instance. Returns `metrics`. */
export function defineHttpMetrics(metrics: Metrics): Metrics {
  if (metrics.has(HTTP_DURATION)) return metrics;
  return metrics.defineHistogram(
    HTTP_DURATION,
    'Seconds from a request arriving to its answer being written, by route, operation name, client and status.',
    HTTP_DURATION_BUCKETS,
  );
}

export const HTTP_DURATION = 'tessera_http_request_duration_seconds';

/** The label value of every client-chosen value past a cap. */
export const OVERFLOW_LABEL = 'other';

/**
 * Keeps a label whose values come from clients (operation names, client ids) bounded: the first
 * `limit` distinct values are themselves, every later one is `other`, so a client sending random
 * names cannot grow the series without end. A value longer than `maxLength` is `other` at once.
 */
export function createLabelCap(limit: number, maxLength = 128): (value: string) => string {
  const kept = new Set<string>();
  return (value) => {
    if (kept.has(value)) return value;
    if (kept.size >= limit || value.length > maxLength) return OVERFLOW_LABEL;
    kept.add(value);
    return value;
  };
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
