/**
 * Counters in the Prometheus text format, served at `/metrics`. One instance per gateway (no
 * module state); label values are escaped, and only bounded label sets are used (a coordinate of
 * the schema, a status code), never ids or user input.
 */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  constructor(help: Readonly<Record<string, string>>) {
    for (const [name, text] of Object.entries(help)) this.counters.set(name, { help: text, values: new Map() });
  }

  increment(name: string, labels: Readonly<Record<string, string>>, by = 1): void {
    const counter = this.counters.get(name);
    if (!counter) throw new TypeError(`unknown metric ${name}`);
    const key = Object.entries(labels)
      .map(([label, value]) => `${label}="${escape(value)}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, counter] of this.counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of [...counter.values].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${name}{${labels}} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The gateway's counters. */
export function createGatewayMetrics(): Metrics {
  return new Metrics({
    tessera_http_requests_total: 'HTTP requests by route and status.',
    tessera_authorization_denials_total: 'Fields removed from operations by the governance directives, by code and schema coordinate.',
    tessera_capability_calls_total: 'Capability (mutation) calls by capability name and version, counted before execution.',
  });
}
