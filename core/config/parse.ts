/**
 * Small parsers that more than one config reader needs; each throws a TypeError naming the variable,
 * with the same wording wherever it is used (the tests assert these messages exactly).
 */

type Env = Readonly<Record<string, string | undefined>>;

/** `env[key]` when it is one of `allowed`, `fallback` when unset or blank. */
export function oneOf<const T extends readonly string[]>(env: Env, key: string, allowed: T, fallback: T[number]): T[number] {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new TypeError(`${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw)}`);
  }
  return raw as T[number];
}

/**
 * `env[key]` as digits only (no sign, exponent, hex or fraction) of at least `minimum`, `fallback`
 * when unset or blank: every integer variable is read this way.
 */
export function wholeNumber(env: Env, key: string, fallback: number, minimum: 0 | 1): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`${key} must be a ${minimum === 1 ? 'positive' : 'non-negative'} integer; got ${JSON.stringify(raw)}`);
  }
  return value;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's `hostname` is this machine, where plain-text credentials do not cross a network. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
