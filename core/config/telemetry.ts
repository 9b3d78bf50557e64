/**
 * OpenTelemetry traces (docs/observability.md#configuration), off unless an endpoint is set:
 * - `TESSERA_OTLP_ENDPOINT` (unset: no tracing): the OTLP/HTTP traces URL of a collector
 *   (`http://collector:4318/v1/traces`). The standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is
 *   honoured when it is unset, so a platform that injects the OpenTelemetry variables works as is.
 * - `TESSERA_OTLP_HEADERS` (none): headers sent with every export, `name=value,name2=value2`
 *   (a collector's API key); kept as a `Secret`. Production refuses them over plain `http://` to
 *   any host but the loopback, where they would travel in clear.
 * - `TESSERA_TRACE_SAMPLE_RATIO` (1): the share of new traces recorded, 0 to 1; a request that
 *   continues a caller's trace follows the caller's sampled flag (a parent-based sampler).
 */
import { Secret } from './secret.ts';
import { isLoopbackHost } from './parse.ts';

export interface TelemetryConfig {
  /** `TESSERA_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): where spans are posted; null turns tracing off. */
  readonly otlpEndpoint: string | null;
  /** `TESSERA_OTLP_HEADERS`: the raw `name=value,...` list, revealed only by `otlpHeaders()`. */
  readonly otlpHeaders: Secret | undefined;
  /** `TESSERA_TRACE_SAMPLE_RATIO`: the share of root traces sampled. @default 1 */
  readonly sampleRatio: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readTelemetryConfig(env: Env, tesseraEnv: 'development' | 'production'): TelemetryConfig {
  const variable = env.TESSERA_OTLP_ENDPOINT?.trim() ? 'TESSERA_OTLP_ENDPOINT' : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  const otlpEndpoint = endpoint(variable, env[variable]?.trim() || null);
  const rawHeaders = env.TESSERA_OTLP_HEADERS?.trim();
  const otlpHeaders = rawHeaders ? new Secret(rawHeaders) : undefined;
  if (otlpHeaders) parseOtlpHeaders(otlpHeaders);
  if (otlpHeaders && tesseraEnv === 'production' && otlpEndpoint) {
    const url = new URL(otlpEndpoint);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw new TypeError(
        `TESSERA_OTLP_HEADERS would travel in clear to ${url.host}: ${variable} must be https:// when TESSERA_ENV=production (http:// only to the loopback)`,
      );
    }
  }
  return Object.freeze({ otlpEndpoint, otlpHeaders, sampleRatio: ratio(env.TESSERA_TRACE_SAMPLE_RATIO?.trim()) });
}

/** The headers of `TESSERA_OTLP_HEADERS` by name; a TypeError names the variable and the rule, never a value. */
export function parseOtlpHeaders(headers: Secret): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const entry of headers.reveal().split(',')) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim();
    if (at < 1 || !HEADER_NAME.test(name) || !value || /[\r\n]/.test(value)) {
      throw new TypeError('TESSERA_OTLP_HEADERS must be name=value pairs separated by commas (header names, values not empty)');
    }
    parsed[name.toLowerCase()] = value;
  }
  return parsed;
}

function endpoint(variable: string, value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${variable} must be an http:// or https:// URL (the collector's OTLP/HTTP traces endpoint)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${variable} must be an http:// or https:// URL (the collector's OTLP/HTTP traces endpoint)`);
  }
  return url.href;
}

function ratio(value: string | undefined): number {
  if (!value) return 1;
  const parsed = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(parsed >= 0 && parsed <= 1)) {
    throw new TypeError(`TESSERA_TRACE_SAMPLE_RATIO must be a number from 0 to 1; got ${JSON.stringify(value)}`);
  }
  return parsed;
}
