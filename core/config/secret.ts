import { inspect } from 'node:util';

/**
 * A secret value that does not print. Config objects get logged ("starting with config …") and
 * serialized into error reports; wrapping the value means `JSON.stringify`, pino and `util.inspect`
 * all show `[redacted]`, and only an explicit `reveal()` at the point of use yields the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call it only where the value is used (signing, verifying), never to log. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
